/** What one listener of mq broker is: its own module, so the flags and the mosquitto.conf reader can share it. */

export type ListenerKind = 'mqtt' | 'mqtts' | 'ws' | 'wss';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile?: string;
  /** Ask every client for a certificate signed by caFile and refuse those without one. */
  requireCertificate: boolean;
}

export interface ListenerSettings {
  kind: ListenerKind;
  /** Address to bind; undefined = every interface (IPv4 and IPv6). */
  host?: string;
  /** 0 = any free port (the status line shows the one chosen). */
  port: number;
  tls?: TlsFiles;
  /** TLS-PSK (--psk-file): keys by identity, mosquitto's psk_file format; with or without a certificate. */
  psk?: { file: string; hint?: string };
  /** Where the listener was asked for, for error messages: "-p", "--tls-port", "broker.conf:3". */
  origin: string;
  /** Connections this listener takes at once (mosquitto's max_connections); undefined = no limit. */
  maxConnections?: number;
}
