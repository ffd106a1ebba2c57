# fish completion for mq. Generated from the command definitions by `npm run completions`; do not edit.
#
# Install:
#   mq completion fish > ~/.config/fish/completions/mq.fish

# __mq_valued and __mq_subs for a command path: the flags that take a value, and the subcommands.
function __mq_spec
    set -g __mq_valued
    set -g __mq_subs
    switch $argv[1]
        case ''
            set -g __mq_valued
        case 'pub'
            set -g __mq_valued --host -h --port -p --url -L --unix --username -u --pw -P --password-file --id -i --id-prefix -I --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --will-topic --will-payload --will-qos --topic -t --message -m --file -f --qos -q --repeat --repeat-delay --encoding -M --line-format --on-error --content-type --correlation-data --message-expiry --message-expiry-interval --response-topic --topic-alias --user-property
        case 'sub'
            set -g __mq_valued --host -h --port -p --url -L --unix --username -u --pw -P --password-file --id -i --id-prefix -I --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --will-topic --will-payload --will-qos --topic -t --qos -q -C -W --unsubscribe -U -M --filter-out -T --grep --where --random-filter -F --encoding --retain-handling
        case 'rr'
            set -g __mq_valued
        case 'passwd'
            set -g __mq_valued --hash -H --iterations -I
        case 'bench'
            set -g __mq_valued --host -h --port -p --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --will-topic --will-payload --will-qos --url -L --clients -c --duration --connect-rate --id-prefix --id-offset --workers --rate --interval -I --size -s --topic -t -M --count --qos -q --warmup --drain --subscribers
        case 'bench pub'
            set -g __mq_valued --host -h --port -p --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --will-topic --will-payload --will-qos --url -L --clients -c --duration --connect-rate --id-prefix --id-offset --workers --rate --interval -I --size -s --topic -t -M --count --qos -q --warmup --drain
        case 'bench sub'
            set -g __mq_valued --host -h --port -p --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --will-topic --will-payload --will-qos --url -L --clients -c --duration --connect-rate --id-prefix --id-offset --workers --qos -q --warmup --drain --topic -t --count
        case 'bench conn'
            set -g __mq_valued --host -h --port -p --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --will-topic --will-payload --will-qos --url -L --clients -c --duration --connect-rate --id-prefix --id-offset --workers
        case 'broker'
            set -g __mq_valued --port -p --host --password-file --cert --key --cafile --tls-port --ws-port --config-file -c
        case 'config'
            set -g __mq_valued --host -h --port -p --url -L --unix --username -u --pw -P --password-file --id -i --id-prefix -I --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --will-topic --will-payload --will-qos
        case 'completion'
            set -g __mq_valued
    end
    switch $argv[1]
        case ''
            set -g __mq_subs pub sub rr passwd bench broker config completion
        case 'bench'
            set -g __mq_subs pub sub conn
    end
end

# Print the command path before the cursor ("", "pub", "bench pub") and how many positional words
# follow it. Remembered per command line: every complete line below asks.
function __mq_state
    set -l line (commandline -cp)
    if test "$line" = "$__mq_state_line"
        printf '%s\n' $__mq_state
        return
    end
    set -l tokens (commandline -opc)
    set -l path
    set -l npos 0
    set -l skip 0
    __mq_spec ''
    set -e tokens[1]
    for token in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $token
            case '--*=*'
            case '-*'
                contains -- $token $__mq_valued; and set skip 1
            case '*'
                if test $npos = 0; and contains -- $token $__mq_subs
                    set -a path $token
                    __mq_spec "$path"
                else
                    set npos (math $npos + 1)
                end
        end
    end
    set -g __mq_state_line $line
    set -g __mq_state "$path" $npos
    printf '%s\n' $__mq_state
end

# True when the cursor is under this command path.
function __mq_is
    set -l state (__mq_state)
    test "$state[1]" = "$argv[1]"
end

# True when the cursor is under this command path after N positional words (N+: at least N).
function __mq_at
    set -l state (__mq_state)
    test "$state[1]" = "$argv[1]"; or return 1
    string match -q -- '*+' $argv[2]; and test $state[2] -ge (string trim -r -c + -- $argv[2]); and return 0
    test $state[2] = $argv[2]
end

# The profile names of the rc file mq would load here (or of --config FILE).
function __mq_profiles
    set -l tokens (commandline -opc)
    set -l config
    for i in (seq (count $tokens))
        switch $tokens[$i]
            case --config
                set config --config $tokens[(math $i + 1)]
            case '--config=*'
                set config --config (string replace -- '--config=' '' $tokens[$i])
        end
    end
    command $tokens[1] completion --profiles $config 2>/dev/null
end

# No file names unless a flag or argument takes a file.
complete -c mq -f
# mq
complete -c mq -n "__mq_at '' 0" -a pub -d 'Publish messages (mosquitto_pub)'
complete -c mq -n "__mq_at '' 0" -a sub -d 'Subscribe and print messages (mosquitto_sub)'
complete -c mq -n "__mq_at '' 0" -a rr -d 'Request/response: publish and print the reply (mosquitto_rr)'
complete -c mq -n "__mq_at '' 0" -a passwd -d 'Manage mosquitto password files (mosquitto_passwd)'
complete -c mq -n "__mq_at '' 0" -a bench -d 'Benchmark a broker: throughput and latency percentiles'
complete -c mq -n "__mq_at '' 0" -a broker -d 'Run an MQTT broker for local work'
complete -c mq -n "__mq_at '' 0" -a config -d 'Show the resolved connection settings and where each came from'
complete -c mq -n "__mq_at '' 0" -a completion -d 'Print a shell completion script (bash, zsh, fish)'
complete -c mq -n "__mq_is ''" -l debug -s d -d 'Trace MQTT packets and show stack traces on stderr'
complete -c mq -n "__mq_is ''" -l quiet -d 'Print no warnings or status, only errors'
complete -c mq -n "__mq_is ''" -l help -d 'Show help'
complete -c mq -n "__mq_is ''" -l version -d 'Show version number'

# mq pub
complete -c mq -n "__mq_is 'pub'" -l debug -s d -d 'Trace MQTT packets and show stack traces on stderr'
complete -c mq -n "__mq_is 'pub'" -l quiet -d 'Print no warnings or status, only errors'
complete -c mq -n "__mq_is 'pub'" -l help -d 'Show help'
complete -c mq -n "__mq_is 'pub'" -l version -d 'Show version number'
complete -c mq -n "__mq_is 'pub'" -l host -s h -x -d 'Broker host'
complete -c mq -n "__mq_is 'pub'" -l port -s p -x -d 'Broker port'
complete -c mq -n "__mq_is 'pub'" -l url -s L -x -d 'mqtt[s]://[user[:pass]@]host[:port][/topic], or ws[s]://'
complete -c mq -n "__mq_is 'pub'" -l ws -d 'Use the WebSocket transport'
complete -c mq -n "__mq_is 'pub'" -l unix -r -F -d 'Connect through this unix socket'
complete -c mq -n "__mq_is 'pub'" -l username -s u -x -d 'Username'
complete -c mq -n "__mq_is 'pub'" -l pw -s P -x -d 'Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)'
complete -c mq -n "__mq_is 'pub'" -l password-file -r -F -d 'Read the password from the first line of this file'
complete -c mq -n "__mq_is 'pub'" -l id -s i -x -d 'Client id'
complete -c mq -n "__mq_is 'pub'" -l id-prefix -s I -x -d 'Client id prefix; the process id is appended'
complete -c mq -n "__mq_is 'pub'" -l keepalive -s k -x -d 'Keepalive in seconds (5-65535)'
complete -c mq -n "__mq_is 'pub'" -l disable-clean-session -s c -d 'Keep the session after disconnecting (needs -i)'
complete -c mq -n "__mq_is 'pub'" -l session-expiry -s x -x -d 'Session expiry interval in seconds (v5; -1 = never)'
complete -c mq -n "__mq_is 'pub'" -l protocol-version -s V -x -a '31 311 5' -d 'MQTT version: 31, 311 or 5'
complete -c mq -n "__mq_is 'pub'" -s A -x -d 'Bind the local socket to this address'
complete -c mq -n "__mq_is 'pub'" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mq -n "__mq_is 'pub'" -l proxy -x -d 'SOCKS5 proxy: socks5h://[user[:pass]@]host[:port]'
complete -c mq -n "__mq_is 'pub'" -l property -s D -x -d 'MQTT v5 property: -D <command> <name> <value>'
complete -c mq -n "__mq_is 'pub'" -l connect-timeout -x -d 'Seconds to wait for the broker to accept'
complete -c mq -n "__mq_is 'pub'" -l profile -x -a '(__mq_profiles)' -d 'Use this profile from the rc file'
complete -c mq -n "__mq_is 'pub'" -l config -r -F -d 'Load this rc file instead of searching for one'
complete -c mq -n "__mq_is 'pub'" -s o -r -F -d 'Read options from a file, one option and its value per line (mosquitto 2.1)'
complete -c mq -n "__mq_is 'pub'" -l cafile -r -F -d 'CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'pub'" -l capath -r -F -d 'Folder of CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'pub'" -l cert -r -F -d 'Client certificate (PEM)'
complete -c mq -n "__mq_is 'pub'" -l key -r -F -d 'Client private key (PEM)'
complete -c mq -n "__mq_is 'pub'" -l insecure -d 'Do not verify the server certificate'
complete -c mq -n "__mq_is 'pub'" -l tls-version -x -a 'tlsv1.3 tlsv1.2 tlsv1.1' -d 'tlsv1.3, tlsv1.2 or tlsv1.1'
complete -c mq -n "__mq_is 'pub'" -l tls-use-os-certs -d 'Trust the system CA store (the default without --cafile)'
complete -c mq -n "__mq_is 'pub'" -l ciphers -x -d 'OpenSSL cipher list'
complete -c mq -n "__mq_is 'pub'" -l tls-alpn -x -d 'ALPN protocol to offer'
complete -c mq -n "__mq_is 'pub'" -l servername -x -d 'Server name to send (SNI) and verify'
complete -c mq -n "__mq_is 'pub'" -l will-topic -x -d 'Topic of the will message'
complete -c mq -n "__mq_is 'pub'" -l will-payload -x -d 'Payload of the will message'
complete -c mq -n "__mq_is 'pub'" -l will-qos -x -a '0 1 2' -d 'QoS of the will message'
complete -c mq -n "__mq_is 'pub'" -l will-retain -d 'Retain the will message'
complete -c mq -n "__mq_is 'pub'" -l topic -s t -x -d 'Topic to publish to (repeat -t to publish to several)'
complete -c mq -n "__mq_is 'pub'" -l message -s m -x -d 'The message text'
complete -c mq -n "__mq_is 'pub'" -l file -s f -r -F -d 'Send the whole file as the message (binary-safe)'
complete -c mq -n "__mq_is 'pub'" -l stdin-file -s s -d 'Send all of stdin as one message'
complete -c mq -n "__mq_is 'pub'" -l stdin-line -s l -d 'Send each line of stdin as a message, as it arrives'
complete -c mq -n "__mq_is 'pub'" -l null-message -s n -d 'Send a zero-length message'
complete -c mq -n "__mq_is 'pub'" -l qos -s q -x -a '0 1 2' -d 'Quality of service: 0, 1 or 2'
complete -c mq -n "__mq_is 'pub'" -l retain -s r -d 'Ask the broker to retain the message'
complete -c mq -n "__mq_is 'pub'" -l repeat -x -d 'Publish the message this many times'
complete -c mq -n "__mq_is 'pub'" -l repeat-delay -x -d 'Seconds to wait after each completed publish when repeating'
complete -c mq -n "__mq_is 'pub'" -l encoding -x -a 'hex base64' -d 'Decode -m/-f/-s/-l text as hex or base64 into binary payloads'
complete -c mq -n "__mq_is 'pub'" -s M -x -d 'QoS 1/2 messages awaiting acknowledgement at most'
complete -c mq -n "__mq_is 'pub'" -l line-format -x -a 'text json' -d 'text: each line is a payload; json: each line is {"topic","payload","qos","retain","properties","encoding"}'
complete -c mq -n "__mq_is 'pub'" -l on-error -x -a 'stop skip' -d 'A line that cannot be published: stop, or skip it with a warning'
complete -c mq -n "__mq_is 'pub'" -l content-type -x -d 'Content type (= -D publish content-type)'
complete -c mq -n "__mq_is 'pub'" -l correlation-data -x -d 'Correlation data (= -D publish correlation-data)'
complete -c mq -n "__mq_is 'pub'" -l message-expiry -l message-expiry-interval -x -d 'Seconds until the broker discards the message'
complete -c mq -n "__mq_is 'pub'" -l payload-format-indicator -d 'Mark the payload as UTF-8 text'
complete -c mq -n "__mq_is 'pub'" -l response-topic -x -d 'Response topic (= -D publish response-topic)'
complete -c mq -n "__mq_is 'pub'" -l topic-alias -x -d 'Topic alias: later messages carry only the number'
complete -c mq -n "__mq_is 'pub'" -l user-property -x -d 'User property name=value (repeatable)'

# mq sub
complete -c mq -n "__mq_is 'sub'" -l debug -s d -d 'Trace MQTT packets and show stack traces on stderr'
complete -c mq -n "__mq_is 'sub'" -l quiet -d 'Print no warnings or status, only errors'
complete -c mq -n "__mq_is 'sub'" -l help -d 'Show help'
complete -c mq -n "__mq_is 'sub'" -l version -d 'Show version number'
complete -c mq -n "__mq_is 'sub'" -l host -s h -x -d 'Broker host'
complete -c mq -n "__mq_is 'sub'" -l port -s p -x -d 'Broker port'
complete -c mq -n "__mq_is 'sub'" -l url -s L -x -d 'mqtt[s]://[user[:pass]@]host[:port][/topic], or ws[s]://'
complete -c mq -n "__mq_is 'sub'" -l ws -d 'Use the WebSocket transport'
complete -c mq -n "__mq_is 'sub'" -l unix -r -F -d 'Connect through this unix socket'
complete -c mq -n "__mq_is 'sub'" -l username -s u -x -d 'Username'
complete -c mq -n "__mq_is 'sub'" -l pw -s P -x -d 'Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)'
complete -c mq -n "__mq_is 'sub'" -l password-file -r -F -d 'Read the password from the first line of this file'
complete -c mq -n "__mq_is 'sub'" -l id -s i -x -d 'Client id'
complete -c mq -n "__mq_is 'sub'" -l id-prefix -s I -x -d 'Client id prefix; the process id is appended'
complete -c mq -n "__mq_is 'sub'" -l keepalive -s k -x -d 'Keepalive in seconds (5-65535)'
complete -c mq -n "__mq_is 'sub'" -l disable-clean-session -s c -d 'Keep the session after disconnecting (needs -i)'
complete -c mq -n "__mq_is 'sub'" -l session-expiry -s x -x -d 'Session expiry interval in seconds (v5; -1 = never)'
complete -c mq -n "__mq_is 'sub'" -l protocol-version -s V -x -a '31 311 5' -d 'MQTT version: 31, 311 or 5'
complete -c mq -n "__mq_is 'sub'" -s A -x -d 'Bind the local socket to this address'
complete -c mq -n "__mq_is 'sub'" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mq -n "__mq_is 'sub'" -l proxy -x -d 'SOCKS5 proxy: socks5h://[user[:pass]@]host[:port]'
complete -c mq -n "__mq_is 'sub'" -l property -s D -x -d 'MQTT v5 property: -D <command> <name> <value>'
complete -c mq -n "__mq_is 'sub'" -l connect-timeout -x -d 'Seconds to wait for the broker to accept'
complete -c mq -n "__mq_is 'sub'" -l profile -x -a '(__mq_profiles)' -d 'Use this profile from the rc file'
complete -c mq -n "__mq_is 'sub'" -l config -r -F -d 'Load this rc file instead of searching for one'
complete -c mq -n "__mq_is 'sub'" -s o -r -F -d 'Read options from a file, one option and its value per line (mosquitto 2.1)'
complete -c mq -n "__mq_is 'sub'" -l cafile -r -F -d 'CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'sub'" -l capath -r -F -d 'Folder of CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'sub'" -l cert -r -F -d 'Client certificate (PEM)'
complete -c mq -n "__mq_is 'sub'" -l key -r -F -d 'Client private key (PEM)'
complete -c mq -n "__mq_is 'sub'" -l insecure -d 'Do not verify the server certificate'
complete -c mq -n "__mq_is 'sub'" -l tls-version -x -a 'tlsv1.3 tlsv1.2 tlsv1.1' -d 'tlsv1.3, tlsv1.2 or tlsv1.1'
complete -c mq -n "__mq_is 'sub'" -l tls-use-os-certs -d 'Trust the system CA store (the default without --cafile)'
complete -c mq -n "__mq_is 'sub'" -l ciphers -x -d 'OpenSSL cipher list'
complete -c mq -n "__mq_is 'sub'" -l tls-alpn -x -d 'ALPN protocol to offer'
complete -c mq -n "__mq_is 'sub'" -l servername -x -d 'Server name to send (SNI) and verify'
complete -c mq -n "__mq_is 'sub'" -l will-topic -x -d 'Topic of the will message'
complete -c mq -n "__mq_is 'sub'" -l will-payload -x -d 'Payload of the will message'
complete -c mq -n "__mq_is 'sub'" -l will-qos -x -a '0 1 2' -d 'QoS of the will message'
complete -c mq -n "__mq_is 'sub'" -l will-retain -d 'Retain the will message'
complete -c mq -n "__mq_is 'sub'" -l topic -s t -x -d 'Topic filter to subscribe to (repeatable)'
complete -c mq -n "__mq_is 'sub'" -l qos -s q -x -a '0 1 2' -d 'QoS of the subscriptions: 0, 1 or 2'
complete -c mq -n "__mq_is 'sub'" -s C -x -d 'Exit after N messages (counted after -R, -T, --grep and --where)'
complete -c mq -n "__mq_is 'sub'" -s W -x -d 'Exit after this many seconds with "Timed out" (exit 27)'
complete -c mq -n "__mq_is 'sub'" -s E -d 'Exit once the subscriptions are acknowledged'
complete -c mq -n "__mq_is 'sub'" -s R -d 'Do not print retained messages (stale on subscribe)'
complete -c mq -n "__mq_is 'sub'" -l retained-only -d 'Print only retained messages; exit at the first fresh one'
complete -c mq -n "__mq_is 'sub'" -l unsubscribe -s U -x -d 'Unsubscribe from this filter after subscribing (repeatable)'
complete -c mq -n "__mq_is 'sub'" -l remove-retained -d 'Clear every retained message received (publishes an empty retained message)'
complete -c mq -n "__mq_is 'sub'" -s M -x -d 'Removal publishes in flight at once (--remove-retained)'
complete -c mq -n "__mq_is 'sub'" -l filter-out -s T -x -d 'Do not print messages on topics matching this filter (repeatable)'
complete -c mq -n "__mq_is 'sub'" -l grep -x -d 'Only messages whose payload matches this regular expression; (?i) ignores case'
complete -c mq -n "__mq_is 'sub'" -l where -x -d 'Only JSON payloads where this holds, e.g. \'temp>30\', \'status==alarm\', \'/a/0/b>=1\' (repeatable: all must hold)'
complete -c mq -n "__mq_is 'sub'" -l random-filter -x -d 'Print only this percentage of messages (0.1-100)'
complete -c mq -n "__mq_is 'sub'" -l verbose -s v -d 'Print the topic before the payload'
complete -c mq -n "__mq_is 'sub'" -s N -d 'Do not print a newline after each message'
complete -c mq -n "__mq_is 'sub'" -s F -x -d 'Output format: %t topic, %p payload, %j JSON, @H:@M:@S time, ... (see README)'
complete -c mq -n "__mq_is 'sub'" -l pretty -d 'Indent %j / %J JSON'
complete -c mq -n "__mq_is 'sub'" -l json -d 'One JSON object per message (NDJSON); binary payloads as base64'
complete -c mq -n "__mq_is 'sub'" -l encoding -x -a 'hex base64' -d 'Print payloads as hex or base64 (plain and -v output)'
complete -c mq -n "__mq_is 'sub'" -l utc -d 'Times in -F (@ fields, %I) in UTC instead of local time'
complete -c mq -n "__mq_is 'sub'" -l no-local -d 'Do not receive our own publishes'
complete -c mq -n "__mq_is 'sub'" -l retain-as-published -d 'Keep the retain flag as the publisher set it'
complete -c mq -n "__mq_is 'sub'" -l retain-handling -x -a '0 1 2' -d '0 send retained messages, 1 only for a new subscription, 2 never'

# mq rr
complete -c mq -n "__mq_is 'rr'" -l debug -s d -d 'Trace MQTT packets and show stack traces on stderr'
complete -c mq -n "__mq_is 'rr'" -l quiet -d 'Print no warnings or status, only errors'
complete -c mq -n "__mq_is 'rr'" -l help -d 'Show help'
complete -c mq -n "__mq_is 'rr'" -l version -d 'Show version number'

# mq passwd
complete -c mq -n "__mq_is 'passwd'" -l debug -s d -d 'Trace MQTT packets and show stack traces on stderr'
complete -c mq -n "__mq_is 'passwd'" -l quiet -d 'Print no warnings or status, only errors'
complete -c mq -n "__mq_is 'passwd'" -l help -d 'Show help'
complete -c mq -n "__mq_is 'passwd'" -l version -d 'Show version number'
complete -c mq -n "__mq_is 'passwd'" -l hash -s H -x -a 'sha512 sha512-pbkdf2 argon2id' -d 'Hash: sha512-pbkdf2 ($7$, default, every 2.x broker), sha512 ($6$), argon2id (mosquitto 2.1+ only)'
complete -c mq -n "__mq_is 'passwd'" -l iterations -s I -x -d 'PBKDF2 iterations for sha512-pbkdf2 (default 101); the broker pays them on every CONNECT'
complete -c mq -n "__mq_is 'passwd'" -l create -s c -d 'Create the file, or overwrite it with just this user'
complete -c mq -n "__mq_is 'passwd'" -l delete -s D -d 'Delete the user'
complete -c mq -n "__mq_is 'passwd'" -l batch -s b -d 'Take the password from the command line (visible to other users of this machine)'
complete -c mq -n "__mq_is 'passwd'" -l upgrade -s U -d 'Hash every plaintext password in the file; hashed lines are left alone'
complete -c mq -n "__mq_is 'passwd'" -l check -d 'Exit 0 if the password matches the user\'s entry, 1 if not'
complete -c mq -n "__mq_at 'passwd' 0" -F -d 'The password file (symlinks are followed)'

# mq bench
complete -c mq -n "__mq_at 'bench' 0" -a pub -d 'Publishers only: throughput and publish->ack latency'
complete -c mq -n "__mq_at 'bench' 0" -a sub -d 'Subscribers only: receive rate, end-to-end latency, loss of another run\'s messages'
complete -c mq -n "__mq_at 'bench' 0" -a conn -d 'Connections only: connect rate, CONNECT->CONNACK latency, drops'
complete -c mq -n "__mq_is 'bench'" -l debug -s d -d 'Trace MQTT packets and show stack traces on stderr'
complete -c mq -n "__mq_is 'bench'" -l quiet -d 'Print no warnings or status, only errors'
complete -c mq -n "__mq_is 'bench'" -l help -d 'Show help'
complete -c mq -n "__mq_is 'bench'" -l version -d 'Show version number'
complete -c mq -n "__mq_is 'bench'" -l host -s h -x -d 'Broker host'
complete -c mq -n "__mq_is 'bench'" -l port -s p -x -d 'Broker port'
complete -c mq -n "__mq_is 'bench'" -l ws -d 'Use the WebSocket transport'
complete -c mq -n "__mq_is 'bench'" -l unix -r -F -d 'Connect through this unix socket'
complete -c mq -n "__mq_is 'bench'" -l username -s u -x -d 'Username'
complete -c mq -n "__mq_is 'bench'" -l pw -s P -x -d 'Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)'
complete -c mq -n "__mq_is 'bench'" -l password-file -r -F -d 'Read the password from the first line of this file'
complete -c mq -n "__mq_is 'bench'" -l keepalive -s k -x -d 'Keepalive in seconds (5-65535)'
complete -c mq -n "__mq_is 'bench'" -l session-expiry -s x -x -d 'Session expiry interval in seconds (v5; -1 = never)'
complete -c mq -n "__mq_is 'bench'" -l protocol-version -s V -x -a '31 311 5' -d 'MQTT version: 31, 311 or 5'
complete -c mq -n "__mq_is 'bench'" -s A -x -d 'Bind the local socket to this address'
complete -c mq -n "__mq_is 'bench'" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mq -n "__mq_is 'bench'" -l proxy -x -d 'SOCKS5 proxy: socks5h://[user[:pass]@]host[:port]'
complete -c mq -n "__mq_is 'bench'" -l property -s D -x -d 'MQTT v5 property: -D <command> <name> <value>'
complete -c mq -n "__mq_is 'bench'" -l connect-timeout -x -d 'Seconds to wait for the broker to accept'
complete -c mq -n "__mq_is 'bench'" -l profile -x -a '(__mq_profiles)' -d 'Use this profile from the rc file'
complete -c mq -n "__mq_is 'bench'" -l config -r -F -d 'Load this rc file instead of searching for one'
complete -c mq -n "__mq_is 'bench'" -s o -r -F -d 'Read options from a file, one option and its value per line (mosquitto 2.1)'
complete -c mq -n "__mq_is 'bench'" -l cafile -r -F -d 'CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'bench'" -l capath -r -F -d 'Folder of CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'bench'" -l cert -r -F -d 'Client certificate (PEM)'
complete -c mq -n "__mq_is 'bench'" -l key -r -F -d 'Client private key (PEM)'
complete -c mq -n "__mq_is 'bench'" -l insecure -d 'Do not verify the server certificate'
complete -c mq -n "__mq_is 'bench'" -l tls-version -x -a 'tlsv1.3 tlsv1.2 tlsv1.1' -d 'tlsv1.3, tlsv1.2 or tlsv1.1'
complete -c mq -n "__mq_is 'bench'" -l tls-use-os-certs -d 'Trust the system CA store (the default without --cafile)'
complete -c mq -n "__mq_is 'bench'" -l ciphers -x -d 'OpenSSL cipher list'
complete -c mq -n "__mq_is 'bench'" -l tls-alpn -x -d 'ALPN protocol to offer'
complete -c mq -n "__mq_is 'bench'" -l servername -x -d 'Server name to send (SNI) and verify'
complete -c mq -n "__mq_is 'bench'" -l will-topic -x -d 'Topic of the will message'
complete -c mq -n "__mq_is 'bench'" -l will-payload -x -d 'Payload of the will message'
complete -c mq -n "__mq_is 'bench'" -l will-qos -x -a '0 1 2' -d 'QoS of the will message'
complete -c mq -n "__mq_is 'bench'" -l will-retain -d 'Retain the will message'
complete -c mq -n "__mq_is 'bench'" -l url -s L -x -d 'Broker URL mqtt[s]://[user[:pass]@]host[:port]; repeat for several brokers (clients round-robin)'
complete -c mq -n "__mq_is 'bench'" -l clients -s c -x -d 'Publishers'
complete -c mq -n "__mq_is 'bench'" -l duration -x -d 'Seconds to measure (0: until Ctrl-C)'
complete -c mq -n "__mq_is 'bench'" -l connect-rate -x -d 'Connections opened per second'
complete -c mq -n "__mq_is 'bench'" -l id-prefix -x -d 'Client ids are <prefix><pub|sub|conn>-<n>'
complete -c mq -n "__mq_is 'bench'" -l id-offset -x -d 'First client number n (for several machines on one broker)'
complete -c mq -n "__mq_is 'bench'" -l workers -x -d 'Worker threads sharing the clients'
complete -c mq -n "__mq_is 'bench'" -l json -d 'Write the JSON report (configuration, system, counters, percentiles) to stdout'
complete -c mq -n "__mq_is 'bench'" -l rate -x -d 'Messages per second over all publishers'
complete -c mq -n "__mq_is 'bench'" -l interval -s I -x -d 'Instead of --rate: ms between two messages of one publisher'
complete -c mq -n "__mq_is 'bench'" -l size -s s -x -d 'Payload bytes (at least 32: the bench header)'
complete -c mq -n "__mq_is 'bench'" -l topic -s t -x -d 'Topic template: %i client number, %c client id'
complete -c mq -n "__mq_is 'bench'" -l retain -s r -d 'Publish retained messages'
complete -c mq -n "__mq_is 'bench'" -s M -x -d 'QoS 1/2 messages in flight per publisher'
complete -c mq -n "__mq_is 'bench'" -l count -x -d 'Instead of --duration: messages to publish in the measured window, over all publishers'
complete -c mq -n "__mq_is 'bench'" -l qos -s q -x -a '0 1 2' -d 'QoS of publishes and subscriptions: 0, 1 or 2'
complete -c mq -n "__mq_is 'bench'" -l warmup -x -d 'Seconds at the start left out of the results'
complete -c mq -n "__mq_is 'bench'" -l drain -x -d 'Seconds to wait at the end for acks and messages in flight'
complete -c mq -n "__mq_is 'bench'" -l subscribers -x -d 'Subscribers, each receiving every publisher'

# mq bench pub
complete -c mq -n "__mq_is 'bench pub'" -l debug -s d -d 'Trace MQTT packets and show stack traces on stderr'
complete -c mq -n "__mq_is 'bench pub'" -l quiet -d 'Print no warnings or status, only errors'
complete -c mq -n "__mq_is 'bench pub'" -l help -d 'Show help'
complete -c mq -n "__mq_is 'bench pub'" -l version -d 'Show version number'
complete -c mq -n "__mq_is 'bench pub'" -l host -s h -x -d 'Broker host'
complete -c mq -n "__mq_is 'bench pub'" -l port -s p -x -d 'Broker port'
complete -c mq -n "__mq_is 'bench pub'" -l ws -d 'Use the WebSocket transport'
complete -c mq -n "__mq_is 'bench pub'" -l unix -r -F -d 'Connect through this unix socket'
complete -c mq -n "__mq_is 'bench pub'" -l username -s u -x -d 'Username'
complete -c mq -n "__mq_is 'bench pub'" -l pw -s P -x -d 'Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)'
complete -c mq -n "__mq_is 'bench pub'" -l password-file -r -F -d 'Read the password from the first line of this file'
complete -c mq -n "__mq_is 'bench pub'" -l keepalive -s k -x -d 'Keepalive in seconds (5-65535)'
complete -c mq -n "__mq_is 'bench pub'" -l session-expiry -s x -x -d 'Session expiry interval in seconds (v5; -1 = never)'
complete -c mq -n "__mq_is 'bench pub'" -l protocol-version -s V -x -a '31 311 5' -d 'MQTT version: 31, 311 or 5'
complete -c mq -n "__mq_is 'bench pub'" -s A -x -d 'Bind the local socket to this address'
complete -c mq -n "__mq_is 'bench pub'" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mq -n "__mq_is 'bench pub'" -l proxy -x -d 'SOCKS5 proxy: socks5h://[user[:pass]@]host[:port]'
complete -c mq -n "__mq_is 'bench pub'" -l property -s D -x -d 'MQTT v5 property: -D <command> <name> <value>'
complete -c mq -n "__mq_is 'bench pub'" -l connect-timeout -x -d 'Seconds to wait for the broker to accept'
complete -c mq -n "__mq_is 'bench pub'" -l profile -x -a '(__mq_profiles)' -d 'Use this profile from the rc file'
complete -c mq -n "__mq_is 'bench pub'" -l config -r -F -d 'Load this rc file instead of searching for one'
complete -c mq -n "__mq_is 'bench pub'" -s o -r -F -d 'Read options from a file, one option and its value per line (mosquitto 2.1)'
complete -c mq -n "__mq_is 'bench pub'" -l cafile -r -F -d 'CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'bench pub'" -l capath -r -F -d 'Folder of CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'bench pub'" -l cert -r -F -d 'Client certificate (PEM)'
complete -c mq -n "__mq_is 'bench pub'" -l key -r -F -d 'Client private key (PEM)'
complete -c mq -n "__mq_is 'bench pub'" -l insecure -d 'Do not verify the server certificate'
complete -c mq -n "__mq_is 'bench pub'" -l tls-version -x -a 'tlsv1.3 tlsv1.2 tlsv1.1' -d 'tlsv1.3, tlsv1.2 or tlsv1.1'
complete -c mq -n "__mq_is 'bench pub'" -l tls-use-os-certs -d 'Trust the system CA store (the default without --cafile)'
complete -c mq -n "__mq_is 'bench pub'" -l ciphers -x -d 'OpenSSL cipher list'
complete -c mq -n "__mq_is 'bench pub'" -l tls-alpn -x -d 'ALPN protocol to offer'
complete -c mq -n "__mq_is 'bench pub'" -l servername -x -d 'Server name to send (SNI) and verify'
complete -c mq -n "__mq_is 'bench pub'" -l will-topic -x -d 'Topic of the will message'
complete -c mq -n "__mq_is 'bench pub'" -l will-payload -x -d 'Payload of the will message'
complete -c mq -n "__mq_is 'bench pub'" -l will-qos -x -a '0 1 2' -d 'QoS of the will message'
complete -c mq -n "__mq_is 'bench pub'" -l will-retain -d 'Retain the will message'
complete -c mq -n "__mq_is 'bench pub'" -l url -s L -x -d 'Broker URL mqtt[s]://[user[:pass]@]host[:port]; repeat for several brokers (clients round-robin)'
complete -c mq -n "__mq_is 'bench pub'" -l clients -s c -x -d 'Publishers'
complete -c mq -n "__mq_is 'bench pub'" -l duration -x -d 'Seconds to measure (0: until Ctrl-C)'
complete -c mq -n "__mq_is 'bench pub'" -l connect-rate -x -d 'Connections opened per second'
complete -c mq -n "__mq_is 'bench pub'" -l id-prefix -x -d 'Client ids are <prefix><pub|sub|conn>-<n>'
complete -c mq -n "__mq_is 'bench pub'" -l id-offset -x -d 'First client number n (for several machines on one broker)'
complete -c mq -n "__mq_is 'bench pub'" -l workers -x -d 'Worker threads sharing the clients'
complete -c mq -n "__mq_is 'bench pub'" -l json -d 'Write the JSON report (configuration, system, counters, percentiles) to stdout'
complete -c mq -n "__mq_is 'bench pub'" -l rate -x -d 'Messages per second over all publishers'
complete -c mq -n "__mq_is 'bench pub'" -l interval -s I -x -d 'Instead of --rate: ms between two messages of one publisher'
complete -c mq -n "__mq_is 'bench pub'" -l size -s s -x -d 'Payload bytes (at least 32: the bench header)'
complete -c mq -n "__mq_is 'bench pub'" -l topic -s t -x -d 'Topic template: %i client number, %c client id'
complete -c mq -n "__mq_is 'bench pub'" -l retain -s r -d 'Publish retained messages'
complete -c mq -n "__mq_is 'bench pub'" -s M -x -d 'QoS 1/2 messages in flight per publisher'
complete -c mq -n "__mq_is 'bench pub'" -l count -x -d 'Instead of --duration: messages to publish in the measured window, over all publishers'
complete -c mq -n "__mq_is 'bench pub'" -l qos -s q -x -a '0 1 2' -d 'QoS of publishes and subscriptions: 0, 1 or 2'
complete -c mq -n "__mq_is 'bench pub'" -l warmup -x -d 'Seconds at the start left out of the results'
complete -c mq -n "__mq_is 'bench pub'" -l drain -x -d 'Seconds to wait at the end for acks and messages in flight'

# mq bench sub
complete -c mq -n "__mq_is 'bench sub'" -l debug -s d -d 'Trace MQTT packets and show stack traces on stderr'
complete -c mq -n "__mq_is 'bench sub'" -l quiet -d 'Print no warnings or status, only errors'
complete -c mq -n "__mq_is 'bench sub'" -l help -d 'Show help'
complete -c mq -n "__mq_is 'bench sub'" -l version -d 'Show version number'
complete -c mq -n "__mq_is 'bench sub'" -l host -s h -x -d 'Broker host'
complete -c mq -n "__mq_is 'bench sub'" -l port -s p -x -d 'Broker port'
complete -c mq -n "__mq_is 'bench sub'" -l ws -d 'Use the WebSocket transport'
complete -c mq -n "__mq_is 'bench sub'" -l unix -r -F -d 'Connect through this unix socket'
complete -c mq -n "__mq_is 'bench sub'" -l username -s u -x -d 'Username'
complete -c mq -n "__mq_is 'bench sub'" -l pw -s P -x -d 'Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)'
complete -c mq -n "__mq_is 'bench sub'" -l password-file -r -F -d 'Read the password from the first line of this file'
complete -c mq -n "__mq_is 'bench sub'" -l keepalive -s k -x -d 'Keepalive in seconds (5-65535)'
complete -c mq -n "__mq_is 'bench sub'" -l session-expiry -s x -x -d 'Session expiry interval in seconds (v5; -1 = never)'
complete -c mq -n "__mq_is 'bench sub'" -l protocol-version -s V -x -a '31 311 5' -d 'MQTT version: 31, 311 or 5'
complete -c mq -n "__mq_is 'bench sub'" -s A -x -d 'Bind the local socket to this address'
complete -c mq -n "__mq_is 'bench sub'" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mq -n "__mq_is 'bench sub'" -l proxy -x -d 'SOCKS5 proxy: socks5h://[user[:pass]@]host[:port]'
complete -c mq -n "__mq_is 'bench sub'" -l property -s D -x -d 'MQTT v5 property: -D <command> <name> <value>'
complete -c mq -n "__mq_is 'bench sub'" -l connect-timeout -x -d 'Seconds to wait for the broker to accept'
complete -c mq -n "__mq_is 'bench sub'" -l profile -x -a '(__mq_profiles)' -d 'Use this profile from the rc file'
complete -c mq -n "__mq_is 'bench sub'" -l config -r -F -d 'Load this rc file instead of searching for one'
complete -c mq -n "__mq_is 'bench sub'" -s o -r -F -d 'Read options from a file, one option and its value per line (mosquitto 2.1)'
complete -c mq -n "__mq_is 'bench sub'" -l cafile -r -F -d 'CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'bench sub'" -l capath -r -F -d 'Folder of CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'bench sub'" -l cert -r -F -d 'Client certificate (PEM)'
complete -c mq -n "__mq_is 'bench sub'" -l key -r -F -d 'Client private key (PEM)'
complete -c mq -n "__mq_is 'bench sub'" -l insecure -d 'Do not verify the server certificate'
complete -c mq -n "__mq_is 'bench sub'" -l tls-version -x -a 'tlsv1.3 tlsv1.2 tlsv1.1' -d 'tlsv1.3, tlsv1.2 or tlsv1.1'
complete -c mq -n "__mq_is 'bench sub'" -l tls-use-os-certs -d 'Trust the system CA store (the default without --cafile)'
complete -c mq -n "__mq_is 'bench sub'" -l ciphers -x -d 'OpenSSL cipher list'
complete -c mq -n "__mq_is 'bench sub'" -l tls-alpn -x -d 'ALPN protocol to offer'
complete -c mq -n "__mq_is 'bench sub'" -l servername -x -d 'Server name to send (SNI) and verify'
complete -c mq -n "__mq_is 'bench sub'" -l will-topic -x -d 'Topic of the will message'
complete -c mq -n "__mq_is 'bench sub'" -l will-payload -x -d 'Payload of the will message'
complete -c mq -n "__mq_is 'bench sub'" -l will-qos -x -a '0 1 2' -d 'QoS of the will message'
complete -c mq -n "__mq_is 'bench sub'" -l will-retain -d 'Retain the will message'
complete -c mq -n "__mq_is 'bench sub'" -l url -s L -x -d 'Broker URL mqtt[s]://[user[:pass]@]host[:port]; repeat for several brokers (clients round-robin)'
complete -c mq -n "__mq_is 'bench sub'" -l clients -s c -x -d 'Subscribers'
complete -c mq -n "__mq_is 'bench sub'" -l duration -x -d 'Seconds to measure (0: until Ctrl-C)'
complete -c mq -n "__mq_is 'bench sub'" -l connect-rate -x -d 'Connections opened per second'
complete -c mq -n "__mq_is 'bench sub'" -l id-prefix -x -d 'Client ids are <prefix><pub|sub|conn>-<n>'
complete -c mq -n "__mq_is 'bench sub'" -l id-offset -x -d 'First client number n (for several machines on one broker)'
complete -c mq -n "__mq_is 'bench sub'" -l workers -x -d 'Worker threads sharing the clients'
complete -c mq -n "__mq_is 'bench sub'" -l json -d 'Write the JSON report (configuration, system, counters, percentiles) to stdout'
complete -c mq -n "__mq_is 'bench sub'" -l qos -s q -x -a '0 1 2' -d 'QoS of publishes and subscriptions: 0, 1 or 2'
complete -c mq -n "__mq_is 'bench sub'" -l warmup -x -d 'Seconds at the start left out of the results'
complete -c mq -n "__mq_is 'bench sub'" -l drain -x -d 'Seconds to wait at the end for acks and messages in flight'
complete -c mq -n "__mq_is 'bench sub'" -l topic -s t -x -d 'Filter template: %i client number, %c client id'
complete -c mq -n "__mq_is 'bench sub'" -l count -x -d 'Instead of --duration: stop after receiving this many messages'

# mq bench conn
complete -c mq -n "__mq_is 'bench conn'" -l debug -s d -d 'Trace MQTT packets and show stack traces on stderr'
complete -c mq -n "__mq_is 'bench conn'" -l quiet -d 'Print no warnings or status, only errors'
complete -c mq -n "__mq_is 'bench conn'" -l help -d 'Show help'
complete -c mq -n "__mq_is 'bench conn'" -l version -d 'Show version number'
complete -c mq -n "__mq_is 'bench conn'" -l host -s h -x -d 'Broker host'
complete -c mq -n "__mq_is 'bench conn'" -l port -s p -x -d 'Broker port'
complete -c mq -n "__mq_is 'bench conn'" -l ws -d 'Use the WebSocket transport'
complete -c mq -n "__mq_is 'bench conn'" -l unix -r -F -d 'Connect through this unix socket'
complete -c mq -n "__mq_is 'bench conn'" -l username -s u -x -d 'Username'
complete -c mq -n "__mq_is 'bench conn'" -l pw -s P -x -d 'Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)'
complete -c mq -n "__mq_is 'bench conn'" -l password-file -r -F -d 'Read the password from the first line of this file'
complete -c mq -n "__mq_is 'bench conn'" -l keepalive -s k -x -d 'Keepalive in seconds (5-65535)'
complete -c mq -n "__mq_is 'bench conn'" -l session-expiry -s x -x -d 'Session expiry interval in seconds (v5; -1 = never)'
complete -c mq -n "__mq_is 'bench conn'" -l protocol-version -s V -x -a '31 311 5' -d 'MQTT version: 31, 311 or 5'
complete -c mq -n "__mq_is 'bench conn'" -s A -x -d 'Bind the local socket to this address'
complete -c mq -n "__mq_is 'bench conn'" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mq -n "__mq_is 'bench conn'" -l proxy -x -d 'SOCKS5 proxy: socks5h://[user[:pass]@]host[:port]'
complete -c mq -n "__mq_is 'bench conn'" -l property -s D -x -d 'MQTT v5 property: -D <command> <name> <value>'
complete -c mq -n "__mq_is 'bench conn'" -l connect-timeout -x -d 'Seconds to wait for the broker to accept'
complete -c mq -n "__mq_is 'bench conn'" -l profile -x -a '(__mq_profiles)' -d 'Use this profile from the rc file'
complete -c mq -n "__mq_is 'bench conn'" -l config -r -F -d 'Load this rc file instead of searching for one'
complete -c mq -n "__mq_is 'bench conn'" -s o -r -F -d 'Read options from a file, one option and its value per line (mosquitto 2.1)'
complete -c mq -n "__mq_is 'bench conn'" -l cafile -r -F -d 'CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'bench conn'" -l capath -r -F -d 'Folder of CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'bench conn'" -l cert -r -F -d 'Client certificate (PEM)'
complete -c mq -n "__mq_is 'bench conn'" -l key -r -F -d 'Client private key (PEM)'
complete -c mq -n "__mq_is 'bench conn'" -l insecure -d 'Do not verify the server certificate'
complete -c mq -n "__mq_is 'bench conn'" -l tls-version -x -a 'tlsv1.3 tlsv1.2 tlsv1.1' -d 'tlsv1.3, tlsv1.2 or tlsv1.1'
complete -c mq -n "__mq_is 'bench conn'" -l tls-use-os-certs -d 'Trust the system CA store (the default without --cafile)'
complete -c mq -n "__mq_is 'bench conn'" -l ciphers -x -d 'OpenSSL cipher list'
complete -c mq -n "__mq_is 'bench conn'" -l tls-alpn -x -d 'ALPN protocol to offer'
complete -c mq -n "__mq_is 'bench conn'" -l servername -x -d 'Server name to send (SNI) and verify'
complete -c mq -n "__mq_is 'bench conn'" -l will-topic -x -d 'Topic of the will message'
complete -c mq -n "__mq_is 'bench conn'" -l will-payload -x -d 'Payload of the will message'
complete -c mq -n "__mq_is 'bench conn'" -l will-qos -x -a '0 1 2' -d 'QoS of the will message'
complete -c mq -n "__mq_is 'bench conn'" -l will-retain -d 'Retain the will message'
complete -c mq -n "__mq_is 'bench conn'" -l url -s L -x -d 'Broker URL mqtt[s]://[user[:pass]@]host[:port]; repeat for several brokers (clients round-robin)'
complete -c mq -n "__mq_is 'bench conn'" -l clients -s c -x -d 'Connections'
complete -c mq -n "__mq_is 'bench conn'" -l duration -x -d 'Seconds to measure (0: until Ctrl-C)'
complete -c mq -n "__mq_is 'bench conn'" -l connect-rate -x -d 'Connections opened per second'
complete -c mq -n "__mq_is 'bench conn'" -l id-prefix -x -d 'Client ids are <prefix><pub|sub|conn>-<n>'
complete -c mq -n "__mq_is 'bench conn'" -l id-offset -x -d 'First client number n (for several machines on one broker)'
complete -c mq -n "__mq_is 'bench conn'" -l workers -x -d 'Worker threads sharing the clients'
complete -c mq -n "__mq_is 'bench conn'" -l json -d 'Write the JSON report (configuration, system, counters, percentiles) to stdout'

# mq broker
complete -c mq -n "__mq_is 'broker'" -l debug -s d -d 'Trace MQTT packets and show stack traces on stderr'
complete -c mq -n "__mq_is 'broker'" -l quiet -d 'Print no warnings or status, only errors'
complete -c mq -n "__mq_is 'broker'" -l help -d 'Show help'
complete -c mq -n "__mq_is 'broker'" -l version -d 'Show version number'
complete -c mq -n "__mq_is 'broker'" -l port -s p -x -d 'Port of the MQTT listener (0 picks a free one)'
complete -c mq -n "__mq_is 'broker'" -l host -x -d 'Address to listen on; 0.0.0.0 opens it to the network'
complete -c mq -n "__mq_is 'broker'" -l password-file -r -F -d 'mosquitto password file ($6$, $7$, argon2id; made by mq passwd or mosquitto_passwd)'
complete -c mq -n "__mq_is 'broker'" -l allow-anonymous -d 'Let clients in without a username (--allow-anonymous false to refuse them)'
complete -c mq -n "__mq_is 'broker'" -l cert -r -F -d 'Server certificate (PEM); with --key adds a TLS listener'
complete -c mq -n "__mq_is 'broker'" -l key -r -F -d 'Private key of the server certificate (PEM)'
complete -c mq -n "__mq_is 'broker'" -l cafile -r -F -d 'Require client certificates signed by this CA (mutual TLS)'
complete -c mq -n "__mq_is 'broker'" -l tls-port -x -d 'Port of the TLS listener'
complete -c mq -n "__mq_is 'broker'" -l ws-port -x -d 'Also listen for MQTT over WebSocket on this port'
complete -c mq -n "__mq_is 'broker'" -l config-file -s c -r -F -d 'Read listener, allow_anonymous, password_file, certfile/keyfile/cafile from a mosquitto.conf'
complete -c mq -n "__mq_is 'broker'" -l verbose -s v -d 'Log connects, disconnects, subscriptions and refused logins on stderr'

# mq config
complete -c mq -n "__mq_is 'config'" -l debug -s d -d 'Trace MQTT packets and show stack traces on stderr'
complete -c mq -n "__mq_is 'config'" -l quiet -d 'Print no warnings or status, only errors'
complete -c mq -n "__mq_is 'config'" -l help -d 'Show help'
complete -c mq -n "__mq_is 'config'" -l version -d 'Show version number'
complete -c mq -n "__mq_is 'config'" -l host -s h -x -d 'Broker host'
complete -c mq -n "__mq_is 'config'" -l port -s p -x -d 'Broker port'
complete -c mq -n "__mq_is 'config'" -l url -s L -x -d 'mqtt[s]://[user[:pass]@]host[:port][/topic], or ws[s]://'
complete -c mq -n "__mq_is 'config'" -l ws -d 'Use the WebSocket transport'
complete -c mq -n "__mq_is 'config'" -l unix -r -F -d 'Connect through this unix socket'
complete -c mq -n "__mq_is 'config'" -l username -s u -x -d 'Username'
complete -c mq -n "__mq_is 'config'" -l pw -s P -x -d 'Password (prefer MQ_PASSWORD or --password-file; -P alone prompts)'
complete -c mq -n "__mq_is 'config'" -l password-file -r -F -d 'Read the password from the first line of this file'
complete -c mq -n "__mq_is 'config'" -l id -s i -x -d 'Client id'
complete -c mq -n "__mq_is 'config'" -l id-prefix -s I -x -d 'Client id prefix; the process id is appended'
complete -c mq -n "__mq_is 'config'" -l keepalive -s k -x -d 'Keepalive in seconds (5-65535)'
complete -c mq -n "__mq_is 'config'" -l disable-clean-session -s c -d 'Keep the session after disconnecting (needs -i)'
complete -c mq -n "__mq_is 'config'" -l session-expiry -s x -x -d 'Session expiry interval in seconds (v5; -1 = never)'
complete -c mq -n "__mq_is 'config'" -l protocol-version -s V -x -a '31 311 5' -d 'MQTT version: 31, 311 or 5'
complete -c mq -n "__mq_is 'config'" -s A -x -d 'Bind the local socket to this address'
complete -c mq -n "__mq_is 'config'" -l nodelay -d 'Disable Nagle\'s algorithm (TCP_NODELAY)'
complete -c mq -n "__mq_is 'config'" -l proxy -x -d 'SOCKS5 proxy: socks5h://[user[:pass]@]host[:port]'
complete -c mq -n "__mq_is 'config'" -l property -s D -x -d 'MQTT v5 property: -D <command> <name> <value>'
complete -c mq -n "__mq_is 'config'" -l connect-timeout -x -d 'Seconds to wait for the broker to accept'
complete -c mq -n "__mq_is 'config'" -l profile -x -a '(__mq_profiles)' -d 'Use this profile from the rc file'
complete -c mq -n "__mq_is 'config'" -l config -r -F -d 'Load this rc file instead of searching for one'
complete -c mq -n "__mq_is 'config'" -s o -r -F -d 'Read options from a file, one option and its value per line (mosquitto 2.1)'
complete -c mq -n "__mq_is 'config'" -l cafile -r -F -d 'CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'config'" -l capath -r -F -d 'Folder of CA certificates to trust (enables TLS)'
complete -c mq -n "__mq_is 'config'" -l cert -r -F -d 'Client certificate (PEM)'
complete -c mq -n "__mq_is 'config'" -l key -r -F -d 'Client private key (PEM)'
complete -c mq -n "__mq_is 'config'" -l insecure -d 'Do not verify the server certificate'
complete -c mq -n "__mq_is 'config'" -l tls-version -x -a 'tlsv1.3 tlsv1.2 tlsv1.1' -d 'tlsv1.3, tlsv1.2 or tlsv1.1'
complete -c mq -n "__mq_is 'config'" -l tls-use-os-certs -d 'Trust the system CA store (the default without --cafile)'
complete -c mq -n "__mq_is 'config'" -l ciphers -x -d 'OpenSSL cipher list'
complete -c mq -n "__mq_is 'config'" -l tls-alpn -x -d 'ALPN protocol to offer'
complete -c mq -n "__mq_is 'config'" -l servername -x -d 'Server name to send (SNI) and verify'
complete -c mq -n "__mq_is 'config'" -l will-topic -x -d 'Topic of the will message'
complete -c mq -n "__mq_is 'config'" -l will-payload -x -d 'Payload of the will message'
complete -c mq -n "__mq_is 'config'" -l will-qos -x -a '0 1 2' -d 'QoS of the will message'
complete -c mq -n "__mq_is 'config'" -l will-retain -d 'Retain the will message'
complete -c mq -n "__mq_is 'config'" -l json -d 'Print the settings and their sources as JSON'
complete -c mq -n "__mq_is 'config'" -l check -d 'Also connect with these settings and report whether the broker accepts them'

# mq completion
complete -c mq -n "__mq_is 'completion'" -l debug -s d -d 'Trace MQTT packets and show stack traces on stderr'
complete -c mq -n "__mq_is 'completion'" -l quiet -d 'Print no warnings or status, only errors'
complete -c mq -n "__mq_is 'completion'" -l help -d 'Show help'
complete -c mq -n "__mq_is 'completion'" -l version -d 'Show version number'
complete -c mq -n "__mq_at 'completion' 0" -a 'bash zsh fish' -d 'The shell to complete for'
