#compdef mq
# zsh completion for mq. Generated from the command definitions by `npm run completions`; do not edit.
#
# Install with one of:
#   mq completion zsh > "${fpath[1]}/_mq"          (then start a new shell)
#   echo 'source <(mq completion zsh)' >> ~/.zshrc  (after compinit)

# The profile names of the rc file mq would load here (or of --config FILE).
_mq_profiles() {
  local -a profiles
  local config=${opt_args[--config]}
  profiles=(${(f)"$(_call_program profiles ${(q)_mq_program} completion --profiles ${config:+--config ${(q)config}} 2>/dev/null)"})
  _wanted profiles expl 'profile' compadd -a - profiles
}

_mq__() {
  local curcontext=$curcontext state state_descr line ret=1
  typeset -A opt_args
  _arguments -C -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    ': :->command' \
    '*:: :->argument' && ret=0
  case $state in
    command)
      local -a commands=(
        'pub:Publish messages (mosquitto_pub)'
        'sub:Subscribe and print messages (mosquitto_sub)'
        'rr:Request/response: publish and print the reply (mosquitto_rr)'
        'passwd:Manage mosquitto password files (mosquitto_passwd)'
        'bench:Benchmark a broker: throughput and latency percentiles'
        'broker:Run an MQTT broker for local work'
        'config:Show the resolved connection settings and where each came from'
        'completion:Print a shell completion script (bash, zsh, fish)'
      )
      _describe -t commands 'mq command' commands && ret=0
      ;;
    argument)
      curcontext=${curcontext%:*:*}:mq-$words[1]:
      case $words[1] in
          'pub') _mq__pub ;;
          'sub') _mq__sub ;;
          'rr') _mq__rr ;;
          'passwd') _mq__passwd ;;
          'bench') _mq__bench ;;
          'broker') _mq__broker ;;
          'config') _mq__config ;;
          'completion') _mq__completion ;;
      esac
      ;;
  esac
  return ret
}

_mq__pub() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '*--topic=[Topic to publish to (repeat -t to publish to several)]:topic: ' \
    '*-t+[Topic to publish to (repeat -t to publish to several)]:topic: ' \
    '*--message=[The message text]:message: ' \
    '*-m+[The message text]:message: ' \
    '*--file=[Send the whole file as the message (binary-safe)]:file:_files' \
    '*-f+[Send the whole file as the message (binary-safe)]:file:_files' \
    '(--stdin-file -s)--stdin-file[Send all of stdin as one message]' \
    '(--stdin-file -s)-s[Send all of stdin as one message]' \
    '(--stdin-line -l)--stdin-line[Send each line of stdin as a message, as it arrives]' \
    '(--stdin-line -l)-l[Send each line of stdin as a message, as it arrives]' \
    '(--null-message -n)--null-message[Send a zero-length message]' \
    '(--null-message -n)-n[Send a zero-length message]' \
    '*--replay=[Republish a recording (mq sub --record, - for stdin) with its timing]:replay: ' \
    '*--qos=[Quality of service: 0, 1 or 2 (with --replay: instead of the recorded one)]:qos:(0 1 2)' \
    '*-q+[Quality of service: 0, 1 or 2 (with --replay: instead of the recorded one)]:qos:(0 1 2)' \
    '(--retain -r)--retain[Ask the broker to retain the message]' \
    '(--retain -r)-r[Ask the broker to retain the message]' \
    '*--repeat=[Publish the message this many times]:repeat: ' \
    '*--repeat-delay=[Seconds to wait after each completed publish when repeating]:repeat-delay: ' \
    '*--encoding=[Decode -m/-f/-s/-l text as hex or base64 into binary payloads]:encoding:(hex base64)' \
    '*--encode=[Encode JSON input (-m, -f, -s, each -l line, each NDJSON payload) as sparkplug, protobuf:FILE.proto\[:pkg.Message\], avro:FILE.avsc, cbor, msgpack or json]:encode: ' \
    '*-M+[QoS 1/2 messages awaiting acknowledgement at most]:M: ' \
    '*--line-format=[text: each line is a payload; json: each line is {"topic","payload","qos","retain","properties","encoding"}]:line-format:(text json)' \
    '*--on-error=[A line that cannot be published: stop, or skip it with a warning]:on-error:(stop skip)' \
    '*--speed=[Play faster (2) or slower (0.5); 0 = as fast as the broker takes them]:speed: ' \
    '*--loop=[Play the recording N times; 0 = forever]:loop: ' \
    '*--skip=[Start after line N (the resume line Ctrl-C prints)]:skip: ' \
    '*--topic-prefix=[Put this in front of every topic (replay/ turns rec/a into replay/rec/a)]:topic-prefix: ' \
    '*--rewrite=[Topic rule FROM=TO, e.g. '\''rec/#=rw/#'\'' (repeatable; the first match wins)]:rewrite: ' \
    '--no-retain[Clear the retain flag of every message]' \
    '*--content-type=[Content type (= -D publish content-type)]:content-type: ' \
    '*--correlation-data=[Correlation data (= -D publish correlation-data)]:correlation-data: ' \
    '*--message-expiry=[Seconds until the broker discards the message]:message-expiry: ' \
    '*--message-expiry-interval=[Seconds until the broker discards the message]:message-expiry: ' \
    '--payload-format-indicator[Mark the payload as UTF-8 text]' \
    '*--response-topic=[Response topic (= -D publish response-topic)]:response-topic: ' \
    '*--topic-alias=[Topic alias: later messages carry only the number]:topic-alias: ' \
    '*--user-property=[User property name=value (repeatable)]:user-property: ' \
    '*--host=[Broker host]:host: ' \
    '*-h+[Broker host]:host: ' \
    '*--port=[Broker port]:port: ' \
    '*-p+[Broker port]:port: ' \
    '*--url=[mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]\[/topic\], or ws\[s\]://]:url: ' \
    '*-L+[mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]\[/topic\], or ws\[s\]://]:url: ' \
    '--ws[Use the WebSocket transport]' \
    '*--unix=[Connect through this unix socket]:unix:_files' \
    '*--username=[Username]:username: ' \
    '*-u+[Username]:username: ' \
    '*--pw=[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*-P+[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*--password-file=[Read the password from the first line of this file]:password-file:_files' \
    '*--id=[Client id]:id: ' \
    '*-i+[Client id]:id: ' \
    '*--id-prefix=[Client id prefix; the process id is appended]:id-prefix: ' \
    '*-I+[Client id prefix; the process id is appended]:id-prefix: ' \
    '*--keepalive=[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*-k+[Keepalive in seconds (5-65535)]:keepalive: ' \
    '(--disable-clean-session -c)--disable-clean-session[Keep the session after disconnecting (needs -i)]' \
    '(--disable-clean-session -c)-c[Keep the session after disconnecting (needs -i)]' \
    '*--session-expiry=[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*-x+[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*--protocol-version=[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-V+[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-A+[Bind the local socket to this address]:A: ' \
    '--nodelay[Disable Nagle'\''s algorithm (TCP_NODELAY)]' \
    '-S[Find the broker with a DNS SRV lookup of -h: _mqtt._tcp.HOST (_secure-mqtt with TLS)]' \
    '*--proxy=[SOCKS5 proxy: socks5h://\[user\[:pass\]@\]host\[:port\]]:proxy: ' \
    '*--property=[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*-D+[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*--connect-timeout=[Seconds to wait for the broker to accept]:connect-timeout: ' \
    '*--profile=[Use this profile from the rc file]:profile:_mq_profiles' \
    '*--config=[Load this rc file instead of searching for one]:config:_files' \
    '*-o+[Read options from a file, one option and its value per line (mosquitto 2.1)]:o:_files' \
    '*--cafile=[CA certificates to trust (enables TLS)]:cafile:_files' \
    '*--capath=[Folder of CA certificates to trust (enables TLS)]:capath:_files' \
    '*--cert=[Client certificate (PEM)]:cert:_files' \
    '*--key=[Client private key (PEM)]:key:_files' \
    '--insecure[Do not verify the server certificate]' \
    '*--tls-version=[tlsv1.3, tlsv1.2 or tlsv1.1]:tls-version:(tlsv1.3 tlsv1.2 tlsv1.1)' \
    '--tls-use-os-certs[Trust the system CA store (the default without --cafile)]' \
    '*--ciphers=[OpenSSL cipher list]:ciphers: ' \
    '*--tls-alpn=[ALPN protocol to offer]:tls-alpn: ' \
    '*--servername=[Server name to send (SNI) and verify]:servername: ' \
    '*--tls-keylog=[Append the TLS session keys to this file (NSS key log, for Wireshark); it holds secrets]:tls-keylog:_files' \
    '*--psk=[TLS-PSK: the pre-shared key, in hex (enables TLS without certificates; prefer MQ_PSK)]:psk: ' \
    '*--psk-identity=[TLS-PSK: the identity the broker knows the key by]:psk-identity: ' \
    '--no-tls[No TLS, whatever an rc file, profile or options file says]' \
    '*--will-topic=[Topic of the will message]:will-topic: ' \
    '*--will-payload=[Payload of the will message]:will-payload: ' \
    '*--will-qos=[QoS of the will message]:will-qos:(0 1 2)' \
    '--will-retain[Retain the will message]'
}

_mq__sub() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '*--host=[Broker host]:host: ' \
    '*-h+[Broker host]:host: ' \
    '*--port=[Broker port]:port: ' \
    '*-p+[Broker port]:port: ' \
    '*--url=[mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]\[/topic\], or ws\[s\]://]:url: ' \
    '*-L+[mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]\[/topic\], or ws\[s\]://]:url: ' \
    '--ws[Use the WebSocket transport]' \
    '*--unix=[Connect through this unix socket]:unix:_files' \
    '*--username=[Username]:username: ' \
    '*-u+[Username]:username: ' \
    '*--pw=[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*-P+[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*--password-file=[Read the password from the first line of this file]:password-file:_files' \
    '*--id=[Client id]:id: ' \
    '*-i+[Client id]:id: ' \
    '*--id-prefix=[Client id prefix; the process id is appended]:id-prefix: ' \
    '*-I+[Client id prefix; the process id is appended]:id-prefix: ' \
    '*--keepalive=[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*-k+[Keepalive in seconds (5-65535)]:keepalive: ' \
    '(--disable-clean-session -c)--disable-clean-session[Keep the session after disconnecting (needs -i)]' \
    '(--disable-clean-session -c)-c[Keep the session after disconnecting (needs -i)]' \
    '*--session-expiry=[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*-x+[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*--protocol-version=[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-V+[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-A+[Bind the local socket to this address]:A: ' \
    '--nodelay[Disable Nagle'\''s algorithm (TCP_NODELAY)]' \
    '-S[Find the broker with a DNS SRV lookup of -h: _mqtt._tcp.HOST (_secure-mqtt with TLS)]' \
    '*--proxy=[SOCKS5 proxy: socks5h://\[user\[:pass\]@\]host\[:port\]]:proxy: ' \
    '*--property=[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*-D+[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*--connect-timeout=[Seconds to wait for the broker to accept]:connect-timeout: ' \
    '*--profile=[Use this profile from the rc file]:profile:_mq_profiles' \
    '*--config=[Load this rc file instead of searching for one]:config:_files' \
    '*-o+[Read options from a file, one option and its value per line (mosquitto 2.1)]:o:_files' \
    '*--cafile=[CA certificates to trust (enables TLS)]:cafile:_files' \
    '*--capath=[Folder of CA certificates to trust (enables TLS)]:capath:_files' \
    '*--cert=[Client certificate (PEM)]:cert:_files' \
    '*--key=[Client private key (PEM)]:key:_files' \
    '--insecure[Do not verify the server certificate]' \
    '*--tls-version=[tlsv1.3, tlsv1.2 or tlsv1.1]:tls-version:(tlsv1.3 tlsv1.2 tlsv1.1)' \
    '--tls-use-os-certs[Trust the system CA store (the default without --cafile)]' \
    '*--ciphers=[OpenSSL cipher list]:ciphers: ' \
    '*--tls-alpn=[ALPN protocol to offer]:tls-alpn: ' \
    '*--servername=[Server name to send (SNI) and verify]:servername: ' \
    '*--tls-keylog=[Append the TLS session keys to this file (NSS key log, for Wireshark); it holds secrets]:tls-keylog:_files' \
    '*--psk=[TLS-PSK: the pre-shared key, in hex (enables TLS without certificates; prefer MQ_PSK)]:psk: ' \
    '*--psk-identity=[TLS-PSK: the identity the broker knows the key by]:psk-identity: ' \
    '--no-tls[No TLS, whatever an rc file, profile or options file says]' \
    '*--will-topic=[Topic of the will message]:will-topic: ' \
    '*--will-payload=[Payload of the will message]:will-payload: ' \
    '*--will-qos=[QoS of the will message]:will-qos:(0 1 2)' \
    '--will-retain[Retain the will message]' \
    '(--verbose -v)--verbose[Print the topic before the payload]' \
    '(--verbose -v)-v[Print the topic before the payload]' \
    '-N[Do not print a newline after each message]' \
    '*-F+[Output format: %t topic, %p payload, %j JSON, @H:@M:@S time, ... (see man mq-sub)]:F: ' \
    '--pretty[Indent %j / %J JSON]' \
    '--json[One JSON object per message (NDJSON); binary payloads as base64]' \
    '*--encoding=[Print payloads as hex or base64 (plain and -v output)]:encoding:(hex base64)' \
    '--utc[Times in -F (@ fields, %I) in UTC instead of local time]' \
    '*--topic=[Topic filter to subscribe to (repeatable)]:topic: ' \
    '*-t+[Topic filter to subscribe to (repeatable)]:topic: ' \
    '*--qos=[QoS of the subscriptions: 0, 1 or 2]:qos:(0 1 2)' \
    '*-q+[QoS of the subscriptions: 0, 1 or 2]:qos:(0 1 2)' \
    '*-C+[Exit after N messages (counted after -R, -T, --grep and --where)]:C: ' \
    '*-W+[Exit after this many seconds with "Timed out" (exit 27)]:W: ' \
    '-E[Exit once the subscriptions are acknowledged]' \
    '-R[Do not print retained messages (stale on subscribe)]' \
    '--retained-only[Print only retained messages; exit at the first fresh one]' \
    '*--unsubscribe=[Unsubscribe from this filter after subscribing (repeatable)]:unsubscribe: ' \
    '*-U+[Unsubscribe from this filter after subscribing (repeatable)]:unsubscribe: ' \
    '--remove-retained[Clear every retained message received (publishes an empty retained message)]' \
    '*-M+[Removal publishes in flight at once (--remove-retained)]:M: ' \
    '*--filter-out=[Do not print messages on topics matching this filter (repeatable)]:filter-out: ' \
    '*-T+[Do not print messages on topics matching this filter (repeatable)]:filter-out: ' \
    '*--grep=[Only messages whose payload matches this regular expression; (?i) ignores case]:grep: ' \
    '*--where=[Only JSON payloads where this holds, e.g. '\''temp>30'\'', '\''status==alarm'\'', '\''/a/0/b>=1'\'' (repeatable: all must hold)]:where: ' \
    '*--random-filter=[Print only this percentage of messages (0.1-100)]:random-filter: ' \
    '--no-local[Do not receive our own publishes]' \
    '--record[Record for mq pub --replay: --json -q 2 --retain-as-published -V 5, all topics (#) unless -t]' \
    '(--watch -w)--watch[On a terminal: one line per topic, in topic order, rewritten in place as messages arrive]' \
    '(--watch -w)-w[On a terminal: one line per topic, in topic order, rewritten in place as messages arrive]' \
    '*--decode=[Decode payloads to JSON: \[FILTER=\]CODEC, CODEC one of sparkplug, protobuf:FILE.proto\[:pkg.Message\], avro:FILE.avsc, cbor, msgpack, json; or auto (sparkplug on spBv1.0/ topics). Repeatable: the first matching filter wins]:decode: ' \
    '*--decode-errors=[A payload that does not decode: warn (print it undecoded and go on) or fail (exit 1)]:decode-errors: ' \
    '--retain-as-published[Keep the retain flag as the publisher set it]' \
    '*--retain-handling=[0 send retained messages, 1 only for a new subscription, 2 never]:retain-handling:(0 1 2)'
}

_mq__rr() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '*--host=[Broker host]:host: ' \
    '*-h+[Broker host]:host: ' \
    '*--port=[Broker port]:port: ' \
    '*-p+[Broker port]:port: ' \
    '*--url=[mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]\[/topic\], or ws\[s\]://]:url: ' \
    '*-L+[mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]\[/topic\], or ws\[s\]://]:url: ' \
    '--ws[Use the WebSocket transport]' \
    '*--unix=[Connect through this unix socket]:unix:_files' \
    '*--username=[Username]:username: ' \
    '*-u+[Username]:username: ' \
    '*--pw=[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*-P+[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*--password-file=[Read the password from the first line of this file]:password-file:_files' \
    '*--id=[Client id]:id: ' \
    '*-i+[Client id]:id: ' \
    '*--id-prefix=[Client id prefix; the process id is appended]:id-prefix: ' \
    '*-I+[Client id prefix; the process id is appended]:id-prefix: ' \
    '*--keepalive=[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*-k+[Keepalive in seconds (5-65535)]:keepalive: ' \
    '(--disable-clean-session -c)--disable-clean-session[Keep the session after disconnecting (needs -i)]' \
    '(--disable-clean-session -c)-c[Keep the session after disconnecting (needs -i)]' \
    '*--session-expiry=[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*-x+[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*--protocol-version=[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-V+[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-A+[Bind the local socket to this address]:A: ' \
    '--nodelay[Disable Nagle'\''s algorithm (TCP_NODELAY)]' \
    '-S[Find the broker with a DNS SRV lookup of -h: _mqtt._tcp.HOST (_secure-mqtt with TLS)]' \
    '*--proxy=[SOCKS5 proxy: socks5h://\[user\[:pass\]@\]host\[:port\]]:proxy: ' \
    '*--property=[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*-D+[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*--connect-timeout=[Seconds to wait for the broker to accept]:connect-timeout: ' \
    '*--profile=[Use this profile from the rc file]:profile:_mq_profiles' \
    '*--config=[Load this rc file instead of searching for one]:config:_files' \
    '*-o+[Read options from a file, one option and its value per line (mosquitto 2.1)]:o:_files' \
    '*--cafile=[CA certificates to trust (enables TLS)]:cafile:_files' \
    '*--capath=[Folder of CA certificates to trust (enables TLS)]:capath:_files' \
    '*--cert=[Client certificate (PEM)]:cert:_files' \
    '*--key=[Client private key (PEM)]:key:_files' \
    '--insecure[Do not verify the server certificate]' \
    '*--tls-version=[tlsv1.3, tlsv1.2 or tlsv1.1]:tls-version:(tlsv1.3 tlsv1.2 tlsv1.1)' \
    '--tls-use-os-certs[Trust the system CA store (the default without --cafile)]' \
    '*--ciphers=[OpenSSL cipher list]:ciphers: ' \
    '*--tls-alpn=[ALPN protocol to offer]:tls-alpn: ' \
    '*--servername=[Server name to send (SNI) and verify]:servername: ' \
    '*--tls-keylog=[Append the TLS session keys to this file (NSS key log, for Wireshark); it holds secrets]:tls-keylog:_files' \
    '*--psk=[TLS-PSK: the pre-shared key, in hex (enables TLS without certificates; prefer MQ_PSK)]:psk: ' \
    '*--psk-identity=[TLS-PSK: the identity the broker knows the key by]:psk-identity: ' \
    '--no-tls[No TLS, whatever an rc file, profile or options file says]' \
    '*--will-topic=[Topic of the will message]:will-topic: ' \
    '*--will-payload=[Payload of the will message]:will-payload: ' \
    '*--will-qos=[QoS of the will message]:will-qos:(0 1 2)' \
    '--will-retain[Retain the will message]' \
    '(--verbose -v)--verbose[Print the topic before the payload]' \
    '(--verbose -v)-v[Print the topic before the payload]' \
    '-N[Do not print a newline after each message]' \
    '*-F+[Output format: %t topic, %p payload, %j JSON, @H:@M:@S time, ... (see man mq-sub)]:F: ' \
    '--pretty[Indent %j / %J JSON]' \
    '--json[One JSON object per message (NDJSON); binary payloads as base64]' \
    '*--encoding=[Print payloads as hex or base64 (plain and -v output)]:encoding:(hex base64)' \
    '--utc[Times in -F (@ fields, %I) in UTC instead of local time]' \
    '*--topic=[Topic to send the request to (--respond: the filter to answer requests on)]:topic: ' \
    '*-t+[Topic to send the request to (--respond: the filter to answer requests on)]:topic: ' \
    '*--response-topic=[Topic the response is expected on]:response-topic: ' \
    '*-e+[Topic the response is expected on]:response-topic: ' \
    '*--message=[The request (--respond: the response) text]:message: ' \
    '*-m+[The request (--respond: the response) text]:message: ' \
    '*--file=[Send this file (binary-safe)]:file:_files' \
    '*-f+[Send this file (binary-safe)]:file:_files' \
    '(--stdin-file -s)--stdin-file[Send all of stdin]' \
    '(--stdin-file -s)-s[Send all of stdin]' \
    '(--null-message -n)--null-message[Send an empty message]' \
    '(--null-message -n)-n[Send an empty message]' \
    '*--qos=[QoS of the request and of the response subscription: 0, 1 or 2]:qos:(0 1 2)' \
    '*-q+[QoS of the request and of the response subscription: 0, 1 or 2]:qos:(0 1 2)' \
    '*--correlation-data=[Correlation data to send; only responses carrying it back are printed]:correlation-data: ' \
    '*-C+[Wait for this many responses (--respond: exit after answering this many requests)]:C: ' \
    '*-W+[Give up after this many seconds with "Timed out" (exit 27)]:W: ' \
    '-R[Ignore retained messages (always done: they cannot answer a new request)]' \
    '--retain-as-published[Subscribe with retain-as-published (MQTT v5)]' \
    '*-M+[QoS 1/2 messages awaiting acknowledgement at most (--respond: responses in flight)]:M: ' \
    '--respond[Answer requests on -t instead of sending one; prints each request as mq sub would]' \
    '*--exec=[With --respond: run this shell command per request, the request on its stdin; its stdout is the response]:exec: '
}

_mq__passwd() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '*--hash=[Hash: sha512-pbkdf2 ($7$, default, every 2.x broker), sha512 ($6$), argon2id (mosquitto 2.1+ only)]:hash:(sha512 sha512-pbkdf2 argon2id)' \
    '*-H+[Hash: sha512-pbkdf2 ($7$, default, every 2.x broker), sha512 ($6$), argon2id (mosquitto 2.1+ only)]:hash:(sha512 sha512-pbkdf2 argon2id)' \
    '*--iterations=[PBKDF2 iterations for sha512-pbkdf2 (default 101); the broker pays them on every CONNECT]:iterations: ' \
    '*-I+[PBKDF2 iterations for sha512-pbkdf2 (default 101); the broker pays them on every CONNECT]:iterations: ' \
    '(--create -c)--create[Create the file, or overwrite it with just this user]' \
    '(--create -c)-c[Create the file, or overwrite it with just this user]' \
    '(--delete -D)--delete[Delete the user]' \
    '(--delete -D)-D[Delete the user]' \
    '(--batch -b)--batch[Take the password from the command line (visible to other users of this machine)]' \
    '(--batch -b)-b[Take the password from the command line (visible to other users of this machine)]' \
    '(--upgrade -U)--upgrade[Hash every plaintext password in the file; hashed lines are left alone]' \
    '(--upgrade -U)-U[Hash every plaintext password in the file; hashed lines are left alone]' \
    '--check[Exit 0 if the password matches the user'\''s entry, 1 if not]' \
    '1:The password file (symlinks are followed):_files' \
    '2:The user to add, update, delete or check: ' \
    '3:The password, with -b only: '
}

_mq__bench() {
  local curcontext=$curcontext state state_descr line ret=1
  typeset -A opt_args
  _arguments -C -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '*--host=[Broker host]:host: ' \
    '*-h+[Broker host]:host: ' \
    '*--port=[Broker port]:port: ' \
    '*-p+[Broker port]:port: ' \
    '--ws[Use the WebSocket transport]' \
    '*--unix=[Connect through this unix socket]:unix:_files' \
    '*--username=[Username]:username: ' \
    '*-u+[Username]:username: ' \
    '*--pw=[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*-P+[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*--password-file=[Read the password from the first line of this file]:password-file:_files' \
    '*--keepalive=[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*-k+[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*--session-expiry=[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*-x+[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*--protocol-version=[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-V+[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-A+[Bind the local socket to this address]:A: ' \
    '--nodelay[Disable Nagle'\''s algorithm (TCP_NODELAY)]' \
    '-S[Find the broker with a DNS SRV lookup of -h: _mqtt._tcp.HOST (_secure-mqtt with TLS)]' \
    '*--proxy=[SOCKS5 proxy: socks5h://\[user\[:pass\]@\]host\[:port\]]:proxy: ' \
    '*--property=[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*-D+[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*--connect-timeout=[Seconds to wait for the broker to accept]:connect-timeout: ' \
    '*--profile=[Use this profile from the rc file]:profile:_mq_profiles' \
    '*--config=[Load this rc file instead of searching for one]:config:_files' \
    '*-o+[Read options from a file, one option and its value per line (mosquitto 2.1)]:o:_files' \
    '*--cafile=[CA certificates to trust (enables TLS)]:cafile:_files' \
    '*--capath=[Folder of CA certificates to trust (enables TLS)]:capath:_files' \
    '*--cert=[Client certificate (PEM)]:cert:_files' \
    '*--key=[Client private key (PEM)]:key:_files' \
    '--insecure[Do not verify the server certificate]' \
    '*--tls-version=[tlsv1.3, tlsv1.2 or tlsv1.1]:tls-version:(tlsv1.3 tlsv1.2 tlsv1.1)' \
    '--tls-use-os-certs[Trust the system CA store (the default without --cafile)]' \
    '*--ciphers=[OpenSSL cipher list]:ciphers: ' \
    '*--tls-alpn=[ALPN protocol to offer]:tls-alpn: ' \
    '*--servername=[Server name to send (SNI) and verify]:servername: ' \
    '*--tls-keylog=[Append the TLS session keys to this file (NSS key log, for Wireshark); it holds secrets]:tls-keylog:_files' \
    '*--psk=[TLS-PSK: the pre-shared key, in hex (enables TLS without certificates; prefer MQ_PSK)]:psk: ' \
    '*--psk-identity=[TLS-PSK: the identity the broker knows the key by]:psk-identity: ' \
    '--no-tls[No TLS, whatever an rc file, profile or options file says]' \
    '*--will-topic=[Topic of the will message]:will-topic: ' \
    '*--will-payload=[Payload of the will message]:will-payload: ' \
    '*--will-qos=[QoS of the will message]:will-qos:(0 1 2)' \
    '--will-retain[Retain the will message]' \
    '*--url=[Broker URL mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]; repeat for several brokers (clients round-robin)]:url: ' \
    '*-L+[Broker URL mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]; repeat for several brokers (clients round-robin)]:url: ' \
    '*--clients=[Publishers]:clients: ' \
    '*-c+[Publishers]:clients: ' \
    '*--duration=[Seconds to measure (0: until Ctrl-C)]:duration: ' \
    '*--connect-rate=[Connections opened per second]:connect-rate: ' \
    '*--id-prefix=[Client ids are <prefix><pub|sub|conn>-<n>]:id-prefix: ' \
    '*--id-offset=[First client number n (for several machines on one broker)]:id-offset: ' \
    '*--workers=[Worker threads sharing the clients]:workers: ' \
    '--json[Write the JSON report (configuration, system, counters, percentiles, histograms) to stdout]' \
    '*--html=[Write a self-contained HTML report with charts to this file]:html: ' \
    '*--start-at=[Start publishing at this time (RFC 3339 or epoch seconds), so runs launched apart share one window]:start-at: ' \
    '*--agents=[Run over this many `mq bench agent`s (other machines) instead of here]:agents: ' \
    '*--agents-timeout=[Seconds to wait for the agents]:agents-timeout: ' \
    '*--rate=[Messages per second over all publishers]:rate: ' \
    '*--interval=[Instead of --rate: ms between two messages of one publisher]:interval: ' \
    '*-I+[Instead of --rate: ms between two messages of one publisher]:interval: ' \
    '*--size=[Payload bytes (at least 32: the bench header)]:size: ' \
    '*-s+[Payload bytes (at least 32: the bench header)]:size: ' \
    '*--topic=[Topic template: %i client number, %c client id]:topic: ' \
    '*-t+[Topic template: %i client number, %c client id]:topic: ' \
    '(--retain -r)--retain[Publish retained messages]' \
    '(--retain -r)-r[Publish retained messages]' \
    '*-M+[QoS 1/2 messages in flight per publisher (mosquitto takes 20 by default)]:M: ' \
    '*--count=[Instead of --duration: messages to publish in the measured window, over all publishers]:count: ' \
    '*--qos=[QoS of publishes and subscriptions: 0, 1 or 2]:qos:(0 1 2)' \
    '*-q+[QoS of publishes and subscriptions: 0, 1 or 2]:qos:(0 1 2)' \
    '*--warmup=[Seconds at the start left out of the results]:warmup: ' \
    '*--drain=[Seconds to wait at the end for acks and messages in flight]:drain: ' \
    '*--control-url=[Broker URL for coordination]:control-url: ' \
    '*--control-prefix=[Topic prefix for coordination]:control-prefix: ' \
    '*--subscribers=[Subscribers, each receiving every publisher]:subscribers: ' \
    ': :->command' \
    '*:: :->argument' && ret=0
  case $state in
    command)
      local -a commands=(
        'pub:Publishers only: throughput and publish->ack latency'
        'sub:Subscribers only: receive rate, end-to-end latency, loss of another run'\''s messages'
        'conn:Connections only: connect rate, CONNECT->CONNACK latency, drops'
        'agent:Run the clients of `mq bench ... --agents N` on this machine, run after run until Ctrl-C'
        'merge:Merge JSON reports of separately launched runs into one, exactly'
      )
      _describe -t commands 'mq bench command' commands && ret=0
      ;;
    argument)
      curcontext=${curcontext%:*:*}:mq-bench-$words[1]:
      case $words[1] in
          'pub') _mq__bench__pub ;;
          'sub') _mq__bench__sub ;;
          'conn') _mq__bench__conn ;;
          'agent') _mq__bench__agent ;;
          'merge') _mq__bench__merge ;;
      esac
      ;;
  esac
  return ret
}

_mq__bench__pub() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '*--host=[Broker host]:host: ' \
    '*-h+[Broker host]:host: ' \
    '*--port=[Broker port]:port: ' \
    '*-p+[Broker port]:port: ' \
    '--ws[Use the WebSocket transport]' \
    '*--unix=[Connect through this unix socket]:unix:_files' \
    '*--username=[Username]:username: ' \
    '*-u+[Username]:username: ' \
    '*--pw=[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*-P+[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*--password-file=[Read the password from the first line of this file]:password-file:_files' \
    '*--keepalive=[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*-k+[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*--session-expiry=[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*-x+[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*--protocol-version=[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-V+[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-A+[Bind the local socket to this address]:A: ' \
    '--nodelay[Disable Nagle'\''s algorithm (TCP_NODELAY)]' \
    '-S[Find the broker with a DNS SRV lookup of -h: _mqtt._tcp.HOST (_secure-mqtt with TLS)]' \
    '*--proxy=[SOCKS5 proxy: socks5h://\[user\[:pass\]@\]host\[:port\]]:proxy: ' \
    '*--property=[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*-D+[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*--connect-timeout=[Seconds to wait for the broker to accept]:connect-timeout: ' \
    '*--profile=[Use this profile from the rc file]:profile:_mq_profiles' \
    '*--config=[Load this rc file instead of searching for one]:config:_files' \
    '*-o+[Read options from a file, one option and its value per line (mosquitto 2.1)]:o:_files' \
    '*--cafile=[CA certificates to trust (enables TLS)]:cafile:_files' \
    '*--capath=[Folder of CA certificates to trust (enables TLS)]:capath:_files' \
    '*--cert=[Client certificate (PEM)]:cert:_files' \
    '*--key=[Client private key (PEM)]:key:_files' \
    '--insecure[Do not verify the server certificate]' \
    '*--tls-version=[tlsv1.3, tlsv1.2 or tlsv1.1]:tls-version:(tlsv1.3 tlsv1.2 tlsv1.1)' \
    '--tls-use-os-certs[Trust the system CA store (the default without --cafile)]' \
    '*--ciphers=[OpenSSL cipher list]:ciphers: ' \
    '*--tls-alpn=[ALPN protocol to offer]:tls-alpn: ' \
    '*--servername=[Server name to send (SNI) and verify]:servername: ' \
    '*--tls-keylog=[Append the TLS session keys to this file (NSS key log, for Wireshark); it holds secrets]:tls-keylog:_files' \
    '*--psk=[TLS-PSK: the pre-shared key, in hex (enables TLS without certificates; prefer MQ_PSK)]:psk: ' \
    '*--psk-identity=[TLS-PSK: the identity the broker knows the key by]:psk-identity: ' \
    '--no-tls[No TLS, whatever an rc file, profile or options file says]' \
    '*--will-topic=[Topic of the will message]:will-topic: ' \
    '*--will-payload=[Payload of the will message]:will-payload: ' \
    '*--will-qos=[QoS of the will message]:will-qos:(0 1 2)' \
    '--will-retain[Retain the will message]' \
    '*--url=[Broker URL mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]; repeat for several brokers (clients round-robin)]:url: ' \
    '*-L+[Broker URL mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]; repeat for several brokers (clients round-robin)]:url: ' \
    '*--clients=[Publishers]:clients: ' \
    '*-c+[Publishers]:clients: ' \
    '*--duration=[Seconds to measure (0: until Ctrl-C)]:duration: ' \
    '*--connect-rate=[Connections opened per second]:connect-rate: ' \
    '*--id-prefix=[Client ids are <prefix><pub|sub|conn>-<n>]:id-prefix: ' \
    '*--id-offset=[First client number n (for several machines on one broker)]:id-offset: ' \
    '*--workers=[Worker threads sharing the clients]:workers: ' \
    '--json[Write the JSON report (configuration, system, counters, percentiles, histograms) to stdout]' \
    '*--html=[Write a self-contained HTML report with charts to this file]:html: ' \
    '*--start-at=[Start publishing at this time (RFC 3339 or epoch seconds), so runs launched apart share one window]:start-at: ' \
    '*--agents=[Run over this many `mq bench agent`s (other machines) instead of here]:agents: ' \
    '*--agents-timeout=[Seconds to wait for the agents]:agents-timeout: ' \
    '*--rate=[Messages per second over all publishers]:rate: ' \
    '*--interval=[Instead of --rate: ms between two messages of one publisher]:interval: ' \
    '*-I+[Instead of --rate: ms between two messages of one publisher]:interval: ' \
    '*--size=[Payload bytes (at least 32: the bench header)]:size: ' \
    '*-s+[Payload bytes (at least 32: the bench header)]:size: ' \
    '*--topic=[Topic template: %i client number, %c client id]:topic: ' \
    '*-t+[Topic template: %i client number, %c client id]:topic: ' \
    '(--retain -r)--retain[Publish retained messages]' \
    '(--retain -r)-r[Publish retained messages]' \
    '*-M+[QoS 1/2 messages in flight per publisher (mosquitto takes 20 by default)]:M: ' \
    '*--count=[Instead of --duration: messages to publish in the measured window, over all publishers]:count: ' \
    '*--qos=[QoS of publishes and subscriptions: 0, 1 or 2]:qos:(0 1 2)' \
    '*-q+[QoS of publishes and subscriptions: 0, 1 or 2]:qos:(0 1 2)' \
    '*--warmup=[Seconds at the start left out of the results]:warmup: ' \
    '*--drain=[Seconds to wait at the end for acks and messages in flight]:drain: ' \
    '*--control-url=[Broker URL for coordination]:control-url: ' \
    '*--control-prefix=[Topic prefix for coordination]:control-prefix: '
}

_mq__bench__sub() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '*--host=[Broker host]:host: ' \
    '*-h+[Broker host]:host: ' \
    '*--port=[Broker port]:port: ' \
    '*-p+[Broker port]:port: ' \
    '--ws[Use the WebSocket transport]' \
    '*--unix=[Connect through this unix socket]:unix:_files' \
    '*--username=[Username]:username: ' \
    '*-u+[Username]:username: ' \
    '*--pw=[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*-P+[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*--password-file=[Read the password from the first line of this file]:password-file:_files' \
    '*--keepalive=[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*-k+[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*--session-expiry=[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*-x+[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*--protocol-version=[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-V+[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-A+[Bind the local socket to this address]:A: ' \
    '--nodelay[Disable Nagle'\''s algorithm (TCP_NODELAY)]' \
    '-S[Find the broker with a DNS SRV lookup of -h: _mqtt._tcp.HOST (_secure-mqtt with TLS)]' \
    '*--proxy=[SOCKS5 proxy: socks5h://\[user\[:pass\]@\]host\[:port\]]:proxy: ' \
    '*--property=[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*-D+[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*--connect-timeout=[Seconds to wait for the broker to accept]:connect-timeout: ' \
    '*--profile=[Use this profile from the rc file]:profile:_mq_profiles' \
    '*--config=[Load this rc file instead of searching for one]:config:_files' \
    '*-o+[Read options from a file, one option and its value per line (mosquitto 2.1)]:o:_files' \
    '*--cafile=[CA certificates to trust (enables TLS)]:cafile:_files' \
    '*--capath=[Folder of CA certificates to trust (enables TLS)]:capath:_files' \
    '*--cert=[Client certificate (PEM)]:cert:_files' \
    '*--key=[Client private key (PEM)]:key:_files' \
    '--insecure[Do not verify the server certificate]' \
    '*--tls-version=[tlsv1.3, tlsv1.2 or tlsv1.1]:tls-version:(tlsv1.3 tlsv1.2 tlsv1.1)' \
    '--tls-use-os-certs[Trust the system CA store (the default without --cafile)]' \
    '*--ciphers=[OpenSSL cipher list]:ciphers: ' \
    '*--tls-alpn=[ALPN protocol to offer]:tls-alpn: ' \
    '*--servername=[Server name to send (SNI) and verify]:servername: ' \
    '*--tls-keylog=[Append the TLS session keys to this file (NSS key log, for Wireshark); it holds secrets]:tls-keylog:_files' \
    '*--psk=[TLS-PSK: the pre-shared key, in hex (enables TLS without certificates; prefer MQ_PSK)]:psk: ' \
    '*--psk-identity=[TLS-PSK: the identity the broker knows the key by]:psk-identity: ' \
    '--no-tls[No TLS, whatever an rc file, profile or options file says]' \
    '*--will-topic=[Topic of the will message]:will-topic: ' \
    '*--will-payload=[Payload of the will message]:will-payload: ' \
    '*--will-qos=[QoS of the will message]:will-qos:(0 1 2)' \
    '--will-retain[Retain the will message]' \
    '*--url=[Broker URL mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]; repeat for several brokers (clients round-robin)]:url: ' \
    '*-L+[Broker URL mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]; repeat for several brokers (clients round-robin)]:url: ' \
    '*--clients=[Subscribers]:clients: ' \
    '*-c+[Subscribers]:clients: ' \
    '*--duration=[Seconds to measure (0: until Ctrl-C)]:duration: ' \
    '*--connect-rate=[Connections opened per second]:connect-rate: ' \
    '*--id-prefix=[Client ids are <prefix><pub|sub|conn>-<n>]:id-prefix: ' \
    '*--id-offset=[First client number n (for several machines on one broker)]:id-offset: ' \
    '*--workers=[Worker threads sharing the clients]:workers: ' \
    '--json[Write the JSON report (configuration, system, counters, percentiles, histograms) to stdout]' \
    '*--html=[Write a self-contained HTML report with charts to this file]:html: ' \
    '*--start-at=[Start publishing at this time (RFC 3339 or epoch seconds), so runs launched apart share one window]:start-at: ' \
    '*--agents=[Run over this many `mq bench agent`s (other machines) instead of here]:agents: ' \
    '*--agents-timeout=[Seconds to wait for the agents]:agents-timeout: ' \
    '*--qos=[QoS of publishes and subscriptions: 0, 1 or 2]:qos:(0 1 2)' \
    '*-q+[QoS of publishes and subscriptions: 0, 1 or 2]:qos:(0 1 2)' \
    '*--warmup=[Seconds at the start left out of the results]:warmup: ' \
    '*--drain=[Seconds to wait at the end for acks and messages in flight]:drain: ' \
    '*--control-url=[Broker URL for coordination]:control-url: ' \
    '*--control-prefix=[Topic prefix for coordination]:control-prefix: ' \
    '*--topic=[Filter template: %i client number, %c client id]:topic: ' \
    '*-t+[Filter template: %i client number, %c client id]:topic: ' \
    '*--count=[Instead of --duration: stop after receiving this many messages]:count: '
}

_mq__bench__conn() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '*--host=[Broker host]:host: ' \
    '*-h+[Broker host]:host: ' \
    '*--port=[Broker port]:port: ' \
    '*-p+[Broker port]:port: ' \
    '--ws[Use the WebSocket transport]' \
    '*--unix=[Connect through this unix socket]:unix:_files' \
    '*--username=[Username]:username: ' \
    '*-u+[Username]:username: ' \
    '*--pw=[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*-P+[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*--password-file=[Read the password from the first line of this file]:password-file:_files' \
    '*--keepalive=[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*-k+[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*--session-expiry=[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*-x+[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*--protocol-version=[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-V+[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-A+[Bind the local socket to this address]:A: ' \
    '--nodelay[Disable Nagle'\''s algorithm (TCP_NODELAY)]' \
    '-S[Find the broker with a DNS SRV lookup of -h: _mqtt._tcp.HOST (_secure-mqtt with TLS)]' \
    '*--proxy=[SOCKS5 proxy: socks5h://\[user\[:pass\]@\]host\[:port\]]:proxy: ' \
    '*--property=[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*-D+[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*--connect-timeout=[Seconds to wait for the broker to accept]:connect-timeout: ' \
    '*--profile=[Use this profile from the rc file]:profile:_mq_profiles' \
    '*--config=[Load this rc file instead of searching for one]:config:_files' \
    '*-o+[Read options from a file, one option and its value per line (mosquitto 2.1)]:o:_files' \
    '*--cafile=[CA certificates to trust (enables TLS)]:cafile:_files' \
    '*--capath=[Folder of CA certificates to trust (enables TLS)]:capath:_files' \
    '*--cert=[Client certificate (PEM)]:cert:_files' \
    '*--key=[Client private key (PEM)]:key:_files' \
    '--insecure[Do not verify the server certificate]' \
    '*--tls-version=[tlsv1.3, tlsv1.2 or tlsv1.1]:tls-version:(tlsv1.3 tlsv1.2 tlsv1.1)' \
    '--tls-use-os-certs[Trust the system CA store (the default without --cafile)]' \
    '*--ciphers=[OpenSSL cipher list]:ciphers: ' \
    '*--tls-alpn=[ALPN protocol to offer]:tls-alpn: ' \
    '*--servername=[Server name to send (SNI) and verify]:servername: ' \
    '*--tls-keylog=[Append the TLS session keys to this file (NSS key log, for Wireshark); it holds secrets]:tls-keylog:_files' \
    '*--psk=[TLS-PSK: the pre-shared key, in hex (enables TLS without certificates; prefer MQ_PSK)]:psk: ' \
    '*--psk-identity=[TLS-PSK: the identity the broker knows the key by]:psk-identity: ' \
    '--no-tls[No TLS, whatever an rc file, profile or options file says]' \
    '*--will-topic=[Topic of the will message]:will-topic: ' \
    '*--will-payload=[Payload of the will message]:will-payload: ' \
    '*--will-qos=[QoS of the will message]:will-qos:(0 1 2)' \
    '--will-retain[Retain the will message]' \
    '*--url=[Broker URL mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]; repeat for several brokers (clients round-robin)]:url: ' \
    '*-L+[Broker URL mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]; repeat for several brokers (clients round-robin)]:url: ' \
    '*--clients=[Connections]:clients: ' \
    '*-c+[Connections]:clients: ' \
    '*--duration=[Seconds to measure (0: until Ctrl-C)]:duration: ' \
    '*--connect-rate=[Connections opened per second]:connect-rate: ' \
    '*--id-prefix=[Client ids are <prefix><pub|sub|conn>-<n>]:id-prefix: ' \
    '*--id-offset=[First client number n (for several machines on one broker)]:id-offset: ' \
    '*--workers=[Worker threads sharing the clients]:workers: ' \
    '--json[Write the JSON report (configuration, system, counters, percentiles, histograms) to stdout]' \
    '*--html=[Write a self-contained HTML report with charts to this file]:html: ' \
    '*--start-at=[Start publishing at this time (RFC 3339 or epoch seconds), so runs launched apart share one window]:start-at: ' \
    '*--agents=[Run over this many `mq bench agent`s (other machines) instead of here]:agents: ' \
    '*--agents-timeout=[Seconds to wait for the agents]:agents-timeout: ' \
    '*--control-url=[Broker URL for coordination]:control-url: ' \
    '*--control-prefix=[Topic prefix for coordination]:control-prefix: '
}

_mq__bench__agent() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '*--host=[Broker host]:host: ' \
    '*-h+[Broker host]:host: ' \
    '*--port=[Broker port]:port: ' \
    '*-p+[Broker port]:port: ' \
    '--ws[Use the WebSocket transport]' \
    '*--unix=[Connect through this unix socket]:unix:_files' \
    '*--username=[Username]:username: ' \
    '*-u+[Username]:username: ' \
    '*--pw=[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*-P+[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*--password-file=[Read the password from the first line of this file]:password-file:_files' \
    '*--keepalive=[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*-k+[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*--session-expiry=[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*-x+[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*--protocol-version=[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-V+[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-A+[Bind the local socket to this address]:A: ' \
    '--nodelay[Disable Nagle'\''s algorithm (TCP_NODELAY)]' \
    '-S[Find the broker with a DNS SRV lookup of -h: _mqtt._tcp.HOST (_secure-mqtt with TLS)]' \
    '*--proxy=[SOCKS5 proxy: socks5h://\[user\[:pass\]@\]host\[:port\]]:proxy: ' \
    '*--property=[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*-D+[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*--connect-timeout=[Seconds to wait for the broker to accept]:connect-timeout: ' \
    '*--profile=[Use this profile from the rc file]:profile:_mq_profiles' \
    '*--config=[Load this rc file instead of searching for one]:config:_files' \
    '*-o+[Read options from a file, one option and its value per line (mosquitto 2.1)]:o:_files' \
    '*--cafile=[CA certificates to trust (enables TLS)]:cafile:_files' \
    '*--capath=[Folder of CA certificates to trust (enables TLS)]:capath:_files' \
    '*--cert=[Client certificate (PEM)]:cert:_files' \
    '*--key=[Client private key (PEM)]:key:_files' \
    '--insecure[Do not verify the server certificate]' \
    '*--tls-version=[tlsv1.3, tlsv1.2 or tlsv1.1]:tls-version:(tlsv1.3 tlsv1.2 tlsv1.1)' \
    '--tls-use-os-certs[Trust the system CA store (the default without --cafile)]' \
    '*--ciphers=[OpenSSL cipher list]:ciphers: ' \
    '*--tls-alpn=[ALPN protocol to offer]:tls-alpn: ' \
    '*--servername=[Server name to send (SNI) and verify]:servername: ' \
    '*--tls-keylog=[Append the TLS session keys to this file (NSS key log, for Wireshark); it holds secrets]:tls-keylog:_files' \
    '*--psk=[TLS-PSK: the pre-shared key, in hex (enables TLS without certificates; prefer MQ_PSK)]:psk: ' \
    '*--psk-identity=[TLS-PSK: the identity the broker knows the key by]:psk-identity: ' \
    '--no-tls[No TLS, whatever an rc file, profile or options file says]' \
    '*--will-topic=[Topic of the will message]:will-topic: ' \
    '*--will-payload=[Payload of the will message]:will-payload: ' \
    '*--will-qos=[QoS of the will message]:will-qos:(0 1 2)' \
    '--will-retain[Retain the will message]' \
    '*--url=[Broker URL mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]; repeat for several brokers (clients round-robin)]:url: ' \
    '*-L+[Broker URL mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]; repeat for several brokers (clients round-robin)]:url: ' \
    '*--control-url=[Broker URL for coordination]:control-url: ' \
    '*--control-prefix=[Topic prefix for coordination]:control-prefix: ' \
    '*--name=[This agent'\''s name in reports]:name: '
}

_mq__bench__merge() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '*--host=[Broker host]:host: ' \
    '*-h+[Broker host]:host: ' \
    '*--port=[Broker port]:port: ' \
    '*-p+[Broker port]:port: ' \
    '--ws[Use the WebSocket transport]' \
    '*--unix=[Connect through this unix socket]:unix:_files' \
    '*--username=[Username]:username: ' \
    '*-u+[Username]:username: ' \
    '*--pw=[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*-P+[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*--password-file=[Read the password from the first line of this file]:password-file:_files' \
    '*--keepalive=[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*-k+[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*--session-expiry=[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*-x+[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*--protocol-version=[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-V+[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-A+[Bind the local socket to this address]:A: ' \
    '--nodelay[Disable Nagle'\''s algorithm (TCP_NODELAY)]' \
    '-S[Find the broker with a DNS SRV lookup of -h: _mqtt._tcp.HOST (_secure-mqtt with TLS)]' \
    '*--proxy=[SOCKS5 proxy: socks5h://\[user\[:pass\]@\]host\[:port\]]:proxy: ' \
    '*--property=[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*-D+[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*--connect-timeout=[Seconds to wait for the broker to accept]:connect-timeout: ' \
    '*--profile=[Use this profile from the rc file]:profile:_mq_profiles' \
    '*--config=[Load this rc file instead of searching for one]:config:_files' \
    '*-o+[Read options from a file, one option and its value per line (mosquitto 2.1)]:o:_files' \
    '*--cafile=[CA certificates to trust (enables TLS)]:cafile:_files' \
    '*--capath=[Folder of CA certificates to trust (enables TLS)]:capath:_files' \
    '*--cert=[Client certificate (PEM)]:cert:_files' \
    '*--key=[Client private key (PEM)]:key:_files' \
    '--insecure[Do not verify the server certificate]' \
    '*--tls-version=[tlsv1.3, tlsv1.2 or tlsv1.1]:tls-version:(tlsv1.3 tlsv1.2 tlsv1.1)' \
    '--tls-use-os-certs[Trust the system CA store (the default without --cafile)]' \
    '*--ciphers=[OpenSSL cipher list]:ciphers: ' \
    '*--tls-alpn=[ALPN protocol to offer]:tls-alpn: ' \
    '*--servername=[Server name to send (SNI) and verify]:servername: ' \
    '*--tls-keylog=[Append the TLS session keys to this file (NSS key log, for Wireshark); it holds secrets]:tls-keylog:_files' \
    '*--psk=[TLS-PSK: the pre-shared key, in hex (enables TLS without certificates; prefer MQ_PSK)]:psk: ' \
    '*--psk-identity=[TLS-PSK: the identity the broker knows the key by]:psk-identity: ' \
    '--no-tls[No TLS, whatever an rc file, profile or options file says]' \
    '*--will-topic=[Topic of the will message]:will-topic: ' \
    '*--will-payload=[Payload of the will message]:will-payload: ' \
    '*--will-qos=[QoS of the will message]:will-qos:(0 1 2)' \
    '--will-retain[Retain the will message]' \
    '*--url=[Broker URL mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]; repeat for several brokers (clients round-robin)]:url: ' \
    '*-L+[Broker URL mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]; repeat for several brokers (clients round-robin)]:url: ' \
    '--json[Write the merged JSON report to stdout]' \
    '*--html=[Write the merged HTML report to this file]:html: ' \
    '*:Reports written by mq bench --json (- for stdin): '
}

_mq__broker() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '*--port=[Port of the MQTT listener (0 picks a free one)]:port: ' \
    '*-p+[Port of the MQTT listener (0 picks a free one)]:port: ' \
    '*--host=[Address to listen on; 0.0.0.0 opens it to the network]:host: ' \
    '*--password-file=[mosquitto password file ($6$, $7$, argon2id; made by mq passwd or mosquitto_passwd)]:password-file:_files' \
    '--allow-anonymous[Let clients in without a username (--allow-anonymous false to refuse them)]' \
    '*--cert=[Server certificate (PEM); with --key adds a TLS listener]:cert:_files' \
    '*--key=[Private key of the server certificate (PEM)]:key:_files' \
    '*--cafile=[Require client certificates signed by this CA (mutual TLS)]:cafile:_files' \
    '*--tls-port=[Port of the TLS listener]:tls-port: ' \
    '*--psk-file=[TLS-PSK keys, identity:hexkey per line (mosquitto'\''s psk_file); with or without --cert]:psk-file:_files' \
    '*--psk-hint=[PSK identity hint the TLS listener sends (mosquitto'\''s psk_hint)]:psk-hint: ' \
    '*--ws-port=[Also listen for MQTT over WebSocket on this port]:ws-port: ' \
    '*--max-connections=[Connections each listener takes at once; more are closed at once (-1 = no limit)]:max-connections: ' \
    '*--max-packet-size=[Largest packet a client may send, in bytes; a larger one disconnects it (0 = no limit)]:max-packet-size: ' \
    '*--max-inflight-messages=[QoS 2 messages a client may have in flight; one more disconnects it (0 = no limit)]:max-inflight-messages: ' \
    '*--connect-timeout=[Seconds a new connection has to send its CONNECT]:connect-timeout: ' \
    '*--config-file=[Read listener, allow_anonymous, password_file, certfile/keyfile/cafile, max_* limits and log_type from a mosquitto.conf]:config-file:_files' \
    '*-c+[Read listener, allow_anonymous, password_file, certfile/keyfile/cafile, max_* limits and log_type from a mosquitto.conf]:config-file:_files' \
    '(--verbose -v)--verbose[Log connects, disconnects, subscriptions and refused logins on stderr (every log type but debug)]' \
    '(--verbose -v)-v[Log connects, disconnects, subscriptions and refused logins on stderr (every log type but debug)]' \
    '*--log-type=[Log this mosquitto log_type on stderr (repeatable); debug adds mosquitto'\''s line for every MQTT packet]:log-type:(none error warning notice information subscribe unsubscribe debug all)'
}

_mq__config() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '*--host=[Broker host]:host: ' \
    '*-h+[Broker host]:host: ' \
    '*--port=[Broker port]:port: ' \
    '*-p+[Broker port]:port: ' \
    '*--url=[mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]\[/topic\], or ws\[s\]://]:url: ' \
    '*-L+[mqtt\[s\]://\[user\[:pass\]@\]host\[:port\]\[/topic\], or ws\[s\]://]:url: ' \
    '--ws[Use the WebSocket transport]' \
    '*--unix=[Connect through this unix socket]:unix:_files' \
    '*--username=[Username]:username: ' \
    '*-u+[Username]:username: ' \
    '*--pw=[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*-P+[Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)]:pw: ' \
    '*--password-file=[Read the password from the first line of this file]:password-file:_files' \
    '*--id=[Client id]:id: ' \
    '*-i+[Client id]:id: ' \
    '*--id-prefix=[Client id prefix; the process id is appended]:id-prefix: ' \
    '*-I+[Client id prefix; the process id is appended]:id-prefix: ' \
    '*--keepalive=[Keepalive in seconds (5-65535)]:keepalive: ' \
    '*-k+[Keepalive in seconds (5-65535)]:keepalive: ' \
    '(--disable-clean-session -c)--disable-clean-session[Keep the session after disconnecting (needs -i)]' \
    '(--disable-clean-session -c)-c[Keep the session after disconnecting (needs -i)]' \
    '*--session-expiry=[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*-x+[Session expiry interval in seconds (v5; -1 = never)]:session-expiry: ' \
    '*--protocol-version=[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-V+[MQTT version: 31, 311 or 5]:protocol-version:(31 311 5)' \
    '*-A+[Bind the local socket to this address]:A: ' \
    '--nodelay[Disable Nagle'\''s algorithm (TCP_NODELAY)]' \
    '-S[Find the broker with a DNS SRV lookup of -h: _mqtt._tcp.HOST (_secure-mqtt with TLS)]' \
    '*--proxy=[SOCKS5 proxy: socks5h://\[user\[:pass\]@\]host\[:port\]]:proxy: ' \
    '*--property=[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*-D+[MQTT v5 property: -D <command> <name> <value>]:property: ' \
    '*--connect-timeout=[Seconds to wait for the broker to accept]:connect-timeout: ' \
    '*--profile=[Use this profile from the rc file]:profile:_mq_profiles' \
    '*--config=[Load this rc file instead of searching for one]:config:_files' \
    '*-o+[Read options from a file, one option and its value per line (mosquitto 2.1)]:o:_files' \
    '*--cafile=[CA certificates to trust (enables TLS)]:cafile:_files' \
    '*--capath=[Folder of CA certificates to trust (enables TLS)]:capath:_files' \
    '*--cert=[Client certificate (PEM)]:cert:_files' \
    '*--key=[Client private key (PEM)]:key:_files' \
    '--insecure[Do not verify the server certificate]' \
    '*--tls-version=[tlsv1.3, tlsv1.2 or tlsv1.1]:tls-version:(tlsv1.3 tlsv1.2 tlsv1.1)' \
    '--tls-use-os-certs[Trust the system CA store (the default without --cafile)]' \
    '*--ciphers=[OpenSSL cipher list]:ciphers: ' \
    '*--tls-alpn=[ALPN protocol to offer]:tls-alpn: ' \
    '*--servername=[Server name to send (SNI) and verify]:servername: ' \
    '*--tls-keylog=[Append the TLS session keys to this file (NSS key log, for Wireshark); it holds secrets]:tls-keylog:_files' \
    '*--psk=[TLS-PSK: the pre-shared key, in hex (enables TLS without certificates; prefer MQ_PSK)]:psk: ' \
    '*--psk-identity=[TLS-PSK: the identity the broker knows the key by]:psk-identity: ' \
    '--no-tls[No TLS, whatever an rc file, profile or options file says]' \
    '*--will-topic=[Topic of the will message]:will-topic: ' \
    '*--will-payload=[Payload of the will message]:will-payload: ' \
    '*--will-qos=[QoS of the will message]:will-qos:(0 1 2)' \
    '--will-retain[Retain the will message]' \
    '--json[Print the settings and their sources as JSON]' \
    '--check[Also connect with these settings and report whether the broker accepts them]' \
    '*--for=[Resolve as this command does, with mosquitto'\''s options file for it (~/.config/mosquitto_sub, ...)]:for:(pub sub rr)'
}

_mq__completion() {
  local curcontext=$curcontext state state_descr line
  typeset -A opt_args
  _arguments -S \
    '(--debug -d)--debug[Trace MQTT packets and show stack traces on stderr]' \
    '(--debug -d)-d[Trace MQTT packets and show stack traces on stderr]' \
    '--quiet[Print no warnings or status, only errors]' \
    '--help[Show help]' \
    '--version[Show version number]' \
    '1:The shell to complete for:(bash zsh fish)'
}

_mq() {
  # The program as typed (mq, or a path to it), for the profile look-up.
  local _mq_program=${words[1]}
  _mq__
}

if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
  _mq "$@"
else
  compdef _mq mq
fi
