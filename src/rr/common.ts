/** What the requester and the responder of `mq rr` share: subscribing and publishing. */
import type { IClientPublishOptions, IClientSubscribeOptions, MqttClient } from 'mqtt';
import { reasonText, subackReason } from '../connection/errors.js';
import type { PropertyBag } from '../connection/properties.js';
import { MqError, RefusedError } from '../errors.js';

/**
 * SUBSCRIBE and wait for the SUBACK. Resolves when the broker granted it; rejects with an
 * RefusedError carrying the refusal's reason code (mosquitto_rr would never publish then).
 */
export function subscribe(
  client: MqttClient,
  filter: string,
  options: { qos: 0 | 1 | 2; v5: boolean; retainAsPublished: boolean; properties?: PropertyBag },
  what: string,
): Promise<void> {
  const subscribeOptions: IClientSubscribeOptions = { qos: options.qos };
  if (options.v5) {
    // Retained messages on the topic are stale: never a response to this request, nor a new request.
    // No-local: our own publishes (the request; a responder's answers) must not come back as input.
    Object.assign(subscribeOptions, { rh: 2, rap: options.retainAsPublished, nl: true });
    if (options.properties) subscribeOptions.properties = options.properties as IClientSubscribeOptions['properties'];
  }
  return new Promise((resolve, reject) => {
    client.subscribe(filter, subscribeOptions, (error, granted, packet?: { granted?: (number | object)[] }) => {
      const code = Number(packet?.granted?.[0] ?? granted?.[0]?.qos ?? NaN);
      if (!Number.isNaN(code) && code < 0x80) return resolve();
      if (!Number.isNaN(code)) {
        return reject(new RefusedError(code, `The subscription to ${what} '${filter}' was refused: ${subackReason(code, options.v5)}.`));
      }
      reject(new MqError(`Could not subscribe to ${what} '${filter}': ${error?.message ?? 'no SUBACK'}.`));
    });
  });
}

/**
 * PUBLISH and wait until it is done (written for QoS 0, acknowledged for 1 and 2). Rejects with
 * a RefusedError carrying the reason code when a v5 broker refuses it.
 */
export function publish(client: MqttClient, topic: string, payload: Buffer, options: IClientPublishOptions, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.publish(topic, payload, options, (failure, packet) => {
      const error = failure as (Error & { code?: unknown }) | undefined;
      if (!error) return resolve();
      if (typeof error.code === 'number' && error.code >= 0x80) {
        const reason = (packet as { properties?: { reasonString?: string } } | undefined)?.properties?.reasonString;
        return reject(new RefusedError(error.code, `${what} to '${topic}' was refused: ${reasonText(error.code)} (reason code ${error.code})${reason ? `: ${reason}` : ''}.`));
      }
      reject(new MqError(`${what} to '${topic}' failed: ${error.message}.`));
    });
  });
}
