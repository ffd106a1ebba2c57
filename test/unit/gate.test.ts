import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { MessageGate } from '../../src/mqtt/gate.ts';

test('MessageGate: callbacks pass while open, wait while closed, and run in order when it opens', () => {
  const gate = new MessageGate();
  const ran: string[] = [];
  gate.pass(() => ran.push('a'));
  gate.close();
  gate.pass(() => ran.push('b'));
  gate.pass(() => ran.push('c'));
  assert.deepEqual(ran, ['a']);
  gate.open();
  assert.deepEqual(ran, ['a', 'b', 'c']);
  gate.pass(() => ran.push('d'));
  assert.deepEqual(ran, ['a', 'b', 'c', 'd']);
});

test('MessageGate.attach: MQTT.js hears that a message was handled only once the gate is open', () => {
  const gate = new MessageGate();
  const client = {} as MqttClient;
  gate.attach(client);
  let handled = 0;
  gate.close();
  client.handleMessage({ cmd: 'publish', topic: 't', payload: Buffer.alloc(0), qos: 1, dup: false, retain: false, messageId: 1 }, () => { handled++; });
  assert.equal(handled, 0);
  gate.open();
  assert.equal(handled, 1);
});
