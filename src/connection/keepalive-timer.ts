/**
 * MQTT.js's keep-alive timer (its `timerVariant` option): an interval that MQTT.js clears and sets
 * again at every PUBACK, PUBREC, PUBCOMP, PUBREL and SUBACK it receives, so that no PINGREQ goes out
 * while the broker answers (as mosquitto's clients). Done with clearInterval and setInterval, that is
 * two timer-list updates per QoS 1 message: about 7% of `pub -l -q 1`'s CPU. Here one Node timer
 * runs on: set() only moves the deadline, and a timer that fires before it waits again for the rest.
 */

/** The `{ set, clear }` timer MQTT.js accepts: set() starts an interval, clear() stops it. */
export interface KeepaliveTimer {
  set(callback: () => void, ms: number): number;
  clear(id: number): void;
}

/**
 * One per client. The Node timer is unref'd: the socket, or the reconnect timer, keeps the process
 * alive, and a cleared interval must not (MQTT.js's own keeps none alive after clear()).
 */
export function keepaliveTimer(now: () => number = Date.now): KeepaliveTimer {
  let callback: (() => void) | undefined;
  let every = 0;
  let due = 0; // when the callback runs next
  let timer: NodeJS.Timeout | undefined;
  let firesAt = 0; // when the Node timer fires
  let id = 0;

  const arm = (ms: number) => {
    firesAt = now() + ms;
    timer = setTimeout(fire, ms);
    timer.unref();
  };
  function fire(): void {
    timer = undefined;
    if (callback === undefined) return;
    const early = due - now();
    if (early > 0) {
      arm(early);
      return;
    }
    // As setInterval: the next run one interval after this one.
    due = now() + every;
    arm(every);
    callback();
  }

  return {
    set(run, ms) {
      callback = run;
      every = ms;
      due = now() + ms;
      // A timer that would fire after the new deadline (a shorter interval) is replaced.
      if (timer !== undefined && firesAt > due) {
        clearTimeout(timer);
        timer = undefined;
      }
      if (timer === undefined) arm(ms);
      return ++id;
    },
    clear(cleared) {
      // Only the current interval; the Node timer, if any, then fires once and does nothing.
      if (cleared === id) callback = undefined;
    },
  };
}
