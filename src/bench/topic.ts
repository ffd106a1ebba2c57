import { UsageError } from '../errors.js';
import { filterProblem, publishTopicProblem } from '../mqtt/topic.js';

/**
 * Topic templates: `%i` is the client's number (--id-offset + its index), `%c` its client id,
 * `%%` a literal percent sign. Pure.
 */

const PLACEHOLDER = /%(.)/gs;

export function expandTopic(template: string, index: number, clientId: string): string {
  return template.replace(PLACEHOLDER, (_, c: string) => (c === 'i' ? String(index) : c === 'c' ? clientId : '%'));
}

/** Whether the template gives each client its own topic. */
export function hasPlaceholder(template: string): boolean {
  return /%[ic]/.test(template.replace(/%%/g, ''));
}

/**
 * The filter that matches every topic of a publish template: each level holding a placeholder
 * becomes `+`. A subscriber of plain `mq bench` uses it, so it receives every publisher.
 */
export function filterForTemplate(template: string): string {
  return template
    .split('/')
    .map((level) => (hasPlaceholder(level) ? '+' : level.replace(/%%/g, '%')))
    .join('/');
}

/**
 * Check a template (-t) before anything connects: known placeholders only, and a valid topic
 * (publish) or filter (subscribe) once expanded.
 */
export function checkTemplate(template: string, kind: 'publish' | 'subscribe', flag = '-t'): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match[1] !== 'i' && match[1] !== 'c' && match[1] !== '%') {
      throw new UsageError(`Invalid topic template '${template}' (${flag}): unknown placeholder %${match[1]}; use %i (client number), %c (client id) or %% (a percent sign).`);
    }
  }
  if (/%$/.test(template.replace(/%%/g, ''))) {
    throw new UsageError(`Invalid topic template '${template}' (${flag}): it ends with a lone %; write %% for a percent sign.`);
  }
  const sample = expandTopic(template, 0, 'client');
  const problem = kind === 'publish' ? publishTopicProblem(sample) : filterProblem(sample);
  if (problem) throw new UsageError(`Invalid ${kind === 'publish' ? 'publish topic' : 'subscription filter'} '${template}' (${flag}): ${problem}.`);
}
