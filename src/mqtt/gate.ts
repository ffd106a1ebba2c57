/**
 * Backpressure on incoming messages, for sub's stdout and rr's request queue.
 *
 * MQTT.js handles one packet at a time and takes the next only once the message before it was
 * handled: handleMessage's callback (QoS 0, QoS 1, PUBREL) or customHandleAcks' done (the PUBLISH of
 * QoS 1 and 2). Holding those callbacks holds the packets behind them, then MQTT.js's parser stream,
 * then, through the pipe into it, the socket: the broker stops sending once its window is full, and
 * the messages not yet handled are not acknowledged. Pausing the socket itself does not hold: that
 * pipe resumes it whenever the parser stream drains.
 */
import type { MqttClient } from 'mqtt';

export class MessageGate {
  private closed = false;
  private readonly held: (() => void)[] = [];

  /** Hold the callbacks from now on (the message being handled still completes). */
  close(): void {
    this.closed = true;
  }

  /** Run the held callbacks, in order, and let the next ones through. */
  open(): void {
    this.closed = false;
    for (const go of this.held.splice(0)) go();
  }

  /** go now, or once the gate opens. */
  pass(go: () => void): void {
    if (this.closed) this.held.push(go);
    else go();
  }

  /** Route the client's handleMessage callbacks through the gate. */
  attach(client: MqttClient): void {
    client.handleMessage = (_packet, callback) => this.pass(() => callback());
  }
}
