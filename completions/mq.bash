# bash completion for mq. Generated from the command definitions by `npm run completions`; do not edit.
#
# Install (bash 4 or newer) with one of:
#   echo 'source <(mq completion bash)' >> ~/.bashrc
#   mq completion bash > ~/.local/share/bash-completion/completions/mq

# _mq_spec PATH: for a command path ('' for mq itself, 'bench pub'), set its flags, the flags that
# take a value and its subcommands.
_mq_spec() {
  case $1 in
    '')
      _mq_flags='--debug -d --quiet --help --version'
      _mq_valued=''
      _mq_subs='pub sub rr passwd bench broker config completion' ;;
    'pub')
      _mq_flags='--debug -d --quiet --help --version --topic -t --message -m --file -f --stdin-file -s --stdin-line -l --null-message -n --replay --qos -q --retain -r --repeat --repeat-delay --encoding --encode -M --line-format --on-error --speed --loop --skip --topic-prefix --rewrite --no-retain --content-type --correlation-data --message-expiry --message-expiry-interval --payload-format-indicator --response-topic --topic-alias --user-property --host -h --port -p --url -L --ws --unix --username -u --pw -P --password-file --id -i --id-prefix -I --keepalive -k --disable-clean-session -c --session-expiry -x --protocol-version -V -A --nodelay -S --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --insecure --tls-version --tls-use-os-certs --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --no-tls --will-topic --will-payload --will-qos --will-retain'
      _mq_valued='--topic -t --message -m --file -f --replay --qos -q --repeat --repeat-delay --encoding --encode -M --line-format --on-error --speed --loop --skip --topic-prefix --rewrite --content-type --correlation-data --message-expiry --message-expiry-interval --response-topic --topic-alias --user-property --host -h --port -p --url -L --unix --username -u --pw -P --password-file --id -i --id-prefix -I --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --will-topic --will-payload --will-qos'
      _mq_subs='' ;;
    'sub')
      _mq_flags='--debug -d --quiet --help --version --host -h --port -p --url -L --ws --unix --username -u --pw -P --password-file --id -i --id-prefix -I --keepalive -k --disable-clean-session -c --session-expiry -x --protocol-version -V -A --nodelay -S --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --insecure --tls-version --tls-use-os-certs --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --no-tls --will-topic --will-payload --will-qos --will-retain --verbose -v -N -F --pretty --json --encoding --utc --topic -t --qos -q -C -W -E -R --retained-only --unsubscribe -U --remove-retained -M --filter-out -T --grep --where --random-filter --no-local --record --watch -w --decode --decode-errors --retain-as-published --retain-handling'
      _mq_valued='--host -h --port -p --url -L --unix --username -u --pw -P --password-file --id -i --id-prefix -I --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --will-topic --will-payload --will-qos -F --encoding --topic -t --qos -q -C -W --unsubscribe -U -M --filter-out -T --grep --where --random-filter --decode --decode-errors --retain-handling'
      _mq_subs='' ;;
    'rr')
      _mq_flags='--debug -d --quiet --help --version --host -h --port -p --url -L --ws --unix --username -u --pw -P --password-file --id -i --id-prefix -I --keepalive -k --disable-clean-session -c --session-expiry -x --protocol-version -V -A --nodelay -S --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --insecure --tls-version --tls-use-os-certs --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --no-tls --will-topic --will-payload --will-qos --will-retain --verbose -v -N -F --pretty --json --encoding --utc --topic -t --response-topic -e --message -m --file -f --stdin-file -s --null-message -n --qos -q --correlation-data -C -W -R --retain-as-published -M --respond --exec'
      _mq_valued='--host -h --port -p --url -L --unix --username -u --pw -P --password-file --id -i --id-prefix -I --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --will-topic --will-payload --will-qos -F --encoding --topic -t --response-topic -e --message -m --file -f --qos -q --correlation-data -C -W -M --exec'
      _mq_subs='' ;;
    'passwd')
      _mq_flags='--debug -d --quiet --help --version --hash -H --iterations -I --create -c --delete -D --batch -b --upgrade -U --check'
      _mq_valued='--hash -H --iterations -I'
      _mq_subs='' ;;
    'bench')
      _mq_flags='--debug -d --quiet --help --version --host -h --port -p --ws --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --nodelay -S --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --insecure --tls-version --tls-use-os-certs --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --no-tls --will-topic --will-payload --will-qos --will-retain --url -L --clients -c --duration --connect-rate --id-prefix --id-offset --workers --json --html --start-at --agents --agents-timeout --rate --interval -I --size -s --topic -t --retain -r -M --count --qos -q --warmup --drain --control-url --control-prefix --subscribers'
      _mq_valued='--host -h --port -p --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --will-topic --will-payload --will-qos --url -L --clients -c --duration --connect-rate --id-prefix --id-offset --workers --html --start-at --agents --agents-timeout --rate --interval -I --size -s --topic -t -M --count --qos -q --warmup --drain --control-url --control-prefix --subscribers'
      _mq_subs='pub sub conn agent merge' ;;
    'bench pub')
      _mq_flags='--debug -d --quiet --help --version --host -h --port -p --ws --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --nodelay -S --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --insecure --tls-version --tls-use-os-certs --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --no-tls --will-topic --will-payload --will-qos --will-retain --url -L --clients -c --duration --connect-rate --id-prefix --id-offset --workers --json --html --start-at --agents --agents-timeout --rate --interval -I --size -s --topic -t --retain -r -M --count --qos -q --warmup --drain --control-url --control-prefix'
      _mq_valued='--host -h --port -p --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --will-topic --will-payload --will-qos --url -L --clients -c --duration --connect-rate --id-prefix --id-offset --workers --html --start-at --agents --agents-timeout --rate --interval -I --size -s --topic -t -M --count --qos -q --warmup --drain --control-url --control-prefix'
      _mq_subs='' ;;
    'bench sub')
      _mq_flags='--debug -d --quiet --help --version --host -h --port -p --ws --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --nodelay -S --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --insecure --tls-version --tls-use-os-certs --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --no-tls --will-topic --will-payload --will-qos --will-retain --url -L --clients -c --duration --connect-rate --id-prefix --id-offset --workers --json --html --start-at --agents --agents-timeout --qos -q --warmup --drain --control-url --control-prefix --topic -t --count'
      _mq_valued='--host -h --port -p --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --will-topic --will-payload --will-qos --url -L --clients -c --duration --connect-rate --id-prefix --id-offset --workers --html --start-at --agents --agents-timeout --qos -q --warmup --drain --control-url --control-prefix --topic -t --count'
      _mq_subs='' ;;
    'bench conn')
      _mq_flags='--debug -d --quiet --help --version --host -h --port -p --ws --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --nodelay -S --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --insecure --tls-version --tls-use-os-certs --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --no-tls --will-topic --will-payload --will-qos --will-retain --url -L --clients -c --duration --connect-rate --id-prefix --id-offset --workers --json --html --start-at --agents --agents-timeout --control-url --control-prefix'
      _mq_valued='--host -h --port -p --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --will-topic --will-payload --will-qos --url -L --clients -c --duration --connect-rate --id-prefix --id-offset --workers --html --start-at --agents --agents-timeout --control-url --control-prefix'
      _mq_subs='' ;;
    'bench agent')
      _mq_flags='--debug -d --quiet --help --version --host -h --port -p --ws --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --nodelay -S --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --insecure --tls-version --tls-use-os-certs --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --no-tls --will-topic --will-payload --will-qos --will-retain --url -L --control-url --control-prefix --name'
      _mq_valued='--host -h --port -p --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --will-topic --will-payload --will-qos --url -L --control-url --control-prefix --name'
      _mq_subs='' ;;
    'bench merge')
      _mq_flags='--debug -d --quiet --help --version --host -h --port -p --ws --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --nodelay -S --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --insecure --tls-version --tls-use-os-certs --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --no-tls --will-topic --will-payload --will-qos --will-retain --url -L --json --html'
      _mq_valued='--host -h --port -p --unix --username -u --pw -P --password-file --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --will-topic --will-payload --will-qos --url -L --html'
      _mq_subs='' ;;
    'broker')
      _mq_flags='--debug -d --quiet --help --version --port -p --host --password-file --allow-anonymous --cert --key --cafile --tls-port --psk-file --psk-hint --ws-port --max-connections --max-packet-size --max-inflight-messages --connect-timeout --config-file -c --verbose -v --log-type'
      _mq_valued='--port -p --host --password-file --cert --key --cafile --tls-port --psk-file --psk-hint --ws-port --max-connections --max-packet-size --max-inflight-messages --connect-timeout --config-file -c --log-type'
      _mq_subs='' ;;
    'config')
      _mq_flags='--debug -d --quiet --help --version --host -h --port -p --url -L --ws --unix --username -u --pw -P --password-file --id -i --id-prefix -I --keepalive -k --disable-clean-session -c --session-expiry -x --protocol-version -V -A --nodelay -S --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --insecure --tls-version --tls-use-os-certs --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --no-tls --will-topic --will-payload --will-qos --will-retain --json --check --for'
      _mq_valued='--host -h --port -p --url -L --unix --username -u --pw -P --password-file --id -i --id-prefix -I --keepalive -k --session-expiry -x --protocol-version -V -A --proxy --property -D --connect-timeout --profile --config -o --cafile --capath --cert --key --tls-version --ciphers --tls-alpn --servername --tls-keylog --psk --psk-identity --will-topic --will-payload --will-qos --for'
      _mq_subs='' ;;
    'completion')
      _mq_flags='--debug -d --quiet --help --version'
      _mq_valued=''
      _mq_subs='' ;;
    *) _mq_flags='' _mq_valued='' _mq_subs='' ;;
  esac
}

# _mq_value PATH WHAT: how to complete the value of flag WHAT, or of positional argument #N.
# Sets _mq_kind to choices (_mq_choices), file, profile, text or none (no such argument).
_mq_value() {
  _mq_choices=''
  case "$1 $2" in
    'pub --file'|'pub -f') _mq_kind=file ;;
    'pub --qos'|'pub -q') _mq_kind=choices _mq_choices='0 1 2' ;;
    'pub --encoding') _mq_kind=choices _mq_choices='hex base64' ;;
    'pub --line-format') _mq_kind=choices _mq_choices='text json' ;;
    'pub --on-error') _mq_kind=choices _mq_choices='stop skip' ;;
    'pub --unix') _mq_kind=file ;;
    'pub --password-file') _mq_kind=file ;;
    'pub --protocol-version'|'pub -V') _mq_kind=choices _mq_choices='31 311 5' ;;
    'pub --profile') _mq_kind=profile ;;
    'pub --config') _mq_kind=file ;;
    'pub -o') _mq_kind=file ;;
    'pub --cafile') _mq_kind=file ;;
    'pub --capath') _mq_kind=file ;;
    'pub --cert') _mq_kind=file ;;
    'pub --key') _mq_kind=file ;;
    'pub --tls-version') _mq_kind=choices _mq_choices='tlsv1.3 tlsv1.2 tlsv1.1' ;;
    'pub --tls-keylog') _mq_kind=file ;;
    'pub --will-qos') _mq_kind=choices _mq_choices='0 1 2' ;;
    'sub --unix') _mq_kind=file ;;
    'sub --password-file') _mq_kind=file ;;
    'sub --protocol-version'|'sub -V') _mq_kind=choices _mq_choices='31 311 5' ;;
    'sub --profile') _mq_kind=profile ;;
    'sub --config') _mq_kind=file ;;
    'sub -o') _mq_kind=file ;;
    'sub --cafile') _mq_kind=file ;;
    'sub --capath') _mq_kind=file ;;
    'sub --cert') _mq_kind=file ;;
    'sub --key') _mq_kind=file ;;
    'sub --tls-version') _mq_kind=choices _mq_choices='tlsv1.3 tlsv1.2 tlsv1.1' ;;
    'sub --tls-keylog') _mq_kind=file ;;
    'sub --will-qos') _mq_kind=choices _mq_choices='0 1 2' ;;
    'sub --encoding') _mq_kind=choices _mq_choices='hex base64' ;;
    'sub --qos'|'sub -q') _mq_kind=choices _mq_choices='0 1 2' ;;
    'sub --retain-handling') _mq_kind=choices _mq_choices='0 1 2' ;;
    'rr --unix') _mq_kind=file ;;
    'rr --password-file') _mq_kind=file ;;
    'rr --protocol-version'|'rr -V') _mq_kind=choices _mq_choices='31 311 5' ;;
    'rr --profile') _mq_kind=profile ;;
    'rr --config') _mq_kind=file ;;
    'rr -o') _mq_kind=file ;;
    'rr --cafile') _mq_kind=file ;;
    'rr --capath') _mq_kind=file ;;
    'rr --cert') _mq_kind=file ;;
    'rr --key') _mq_kind=file ;;
    'rr --tls-version') _mq_kind=choices _mq_choices='tlsv1.3 tlsv1.2 tlsv1.1' ;;
    'rr --tls-keylog') _mq_kind=file ;;
    'rr --will-qos') _mq_kind=choices _mq_choices='0 1 2' ;;
    'rr --encoding') _mq_kind=choices _mq_choices='hex base64' ;;
    'rr --file'|'rr -f') _mq_kind=file ;;
    'rr --qos'|'rr -q') _mq_kind=choices _mq_choices='0 1 2' ;;
    'passwd --hash'|'passwd -H') _mq_kind=choices _mq_choices='sha512 sha512-pbkdf2 argon2id' ;;
    'passwd #1') _mq_kind=file ;;
    'passwd #2') _mq_kind=text ;;
    'passwd #3') _mq_kind=text ;;
    'bench --unix') _mq_kind=file ;;
    'bench --password-file') _mq_kind=file ;;
    'bench --protocol-version'|'bench -V') _mq_kind=choices _mq_choices='31 311 5' ;;
    'bench --profile') _mq_kind=profile ;;
    'bench --config') _mq_kind=file ;;
    'bench -o') _mq_kind=file ;;
    'bench --cafile') _mq_kind=file ;;
    'bench --capath') _mq_kind=file ;;
    'bench --cert') _mq_kind=file ;;
    'bench --key') _mq_kind=file ;;
    'bench --tls-version') _mq_kind=choices _mq_choices='tlsv1.3 tlsv1.2 tlsv1.1' ;;
    'bench --tls-keylog') _mq_kind=file ;;
    'bench --will-qos') _mq_kind=choices _mq_choices='0 1 2' ;;
    'bench --qos'|'bench -q') _mq_kind=choices _mq_choices='0 1 2' ;;
    'bench pub --unix') _mq_kind=file ;;
    'bench pub --password-file') _mq_kind=file ;;
    'bench pub --protocol-version'|'bench pub -V') _mq_kind=choices _mq_choices='31 311 5' ;;
    'bench pub --profile') _mq_kind=profile ;;
    'bench pub --config') _mq_kind=file ;;
    'bench pub -o') _mq_kind=file ;;
    'bench pub --cafile') _mq_kind=file ;;
    'bench pub --capath') _mq_kind=file ;;
    'bench pub --cert') _mq_kind=file ;;
    'bench pub --key') _mq_kind=file ;;
    'bench pub --tls-version') _mq_kind=choices _mq_choices='tlsv1.3 tlsv1.2 tlsv1.1' ;;
    'bench pub --tls-keylog') _mq_kind=file ;;
    'bench pub --will-qos') _mq_kind=choices _mq_choices='0 1 2' ;;
    'bench pub --qos'|'bench pub -q') _mq_kind=choices _mq_choices='0 1 2' ;;
    'bench sub --unix') _mq_kind=file ;;
    'bench sub --password-file') _mq_kind=file ;;
    'bench sub --protocol-version'|'bench sub -V') _mq_kind=choices _mq_choices='31 311 5' ;;
    'bench sub --profile') _mq_kind=profile ;;
    'bench sub --config') _mq_kind=file ;;
    'bench sub -o') _mq_kind=file ;;
    'bench sub --cafile') _mq_kind=file ;;
    'bench sub --capath') _mq_kind=file ;;
    'bench sub --cert') _mq_kind=file ;;
    'bench sub --key') _mq_kind=file ;;
    'bench sub --tls-version') _mq_kind=choices _mq_choices='tlsv1.3 tlsv1.2 tlsv1.1' ;;
    'bench sub --tls-keylog') _mq_kind=file ;;
    'bench sub --will-qos') _mq_kind=choices _mq_choices='0 1 2' ;;
    'bench sub --qos'|'bench sub -q') _mq_kind=choices _mq_choices='0 1 2' ;;
    'bench conn --unix') _mq_kind=file ;;
    'bench conn --password-file') _mq_kind=file ;;
    'bench conn --protocol-version'|'bench conn -V') _mq_kind=choices _mq_choices='31 311 5' ;;
    'bench conn --profile') _mq_kind=profile ;;
    'bench conn --config') _mq_kind=file ;;
    'bench conn -o') _mq_kind=file ;;
    'bench conn --cafile') _mq_kind=file ;;
    'bench conn --capath') _mq_kind=file ;;
    'bench conn --cert') _mq_kind=file ;;
    'bench conn --key') _mq_kind=file ;;
    'bench conn --tls-version') _mq_kind=choices _mq_choices='tlsv1.3 tlsv1.2 tlsv1.1' ;;
    'bench conn --tls-keylog') _mq_kind=file ;;
    'bench conn --will-qos') _mq_kind=choices _mq_choices='0 1 2' ;;
    'bench agent --unix') _mq_kind=file ;;
    'bench agent --password-file') _mq_kind=file ;;
    'bench agent --protocol-version'|'bench agent -V') _mq_kind=choices _mq_choices='31 311 5' ;;
    'bench agent --profile') _mq_kind=profile ;;
    'bench agent --config') _mq_kind=file ;;
    'bench agent -o') _mq_kind=file ;;
    'bench agent --cafile') _mq_kind=file ;;
    'bench agent --capath') _mq_kind=file ;;
    'bench agent --cert') _mq_kind=file ;;
    'bench agent --key') _mq_kind=file ;;
    'bench agent --tls-version') _mq_kind=choices _mq_choices='tlsv1.3 tlsv1.2 tlsv1.1' ;;
    'bench agent --tls-keylog') _mq_kind=file ;;
    'bench agent --will-qos') _mq_kind=choices _mq_choices='0 1 2' ;;
    'bench merge --unix') _mq_kind=file ;;
    'bench merge --password-file') _mq_kind=file ;;
    'bench merge --protocol-version'|'bench merge -V') _mq_kind=choices _mq_choices='31 311 5' ;;
    'bench merge --profile') _mq_kind=profile ;;
    'bench merge --config') _mq_kind=file ;;
    'bench merge -o') _mq_kind=file ;;
    'bench merge --cafile') _mq_kind=file ;;
    'bench merge --capath') _mq_kind=file ;;
    'bench merge --cert') _mq_kind=file ;;
    'bench merge --key') _mq_kind=file ;;
    'bench merge --tls-version') _mq_kind=choices _mq_choices='tlsv1.3 tlsv1.2 tlsv1.1' ;;
    'bench merge --tls-keylog') _mq_kind=file ;;
    'bench merge --will-qos') _mq_kind=choices _mq_choices='0 1 2' ;;
    'bench merge #1') _mq_kind=text ;;
    'bench merge #'*) _mq_kind=text ;;
    'broker --password-file') _mq_kind=file ;;
    'broker --cert') _mq_kind=file ;;
    'broker --key') _mq_kind=file ;;
    'broker --cafile') _mq_kind=file ;;
    'broker --psk-file') _mq_kind=file ;;
    'broker --config-file'|'broker -c') _mq_kind=file ;;
    'broker --log-type') _mq_kind=choices _mq_choices='none error warning notice information subscribe unsubscribe debug all' ;;
    'config --unix') _mq_kind=file ;;
    'config --password-file') _mq_kind=file ;;
    'config --protocol-version'|'config -V') _mq_kind=choices _mq_choices='31 311 5' ;;
    'config --profile') _mq_kind=profile ;;
    'config --config') _mq_kind=file ;;
    'config -o') _mq_kind=file ;;
    'config --cafile') _mq_kind=file ;;
    'config --capath') _mq_kind=file ;;
    'config --cert') _mq_kind=file ;;
    'config --key') _mq_kind=file ;;
    'config --tls-version') _mq_kind=choices _mq_choices='tlsv1.3 tlsv1.2 tlsv1.1' ;;
    'config --tls-keylog') _mq_kind=file ;;
    'config --will-qos') _mq_kind=choices _mq_choices='0 1 2' ;;
    'config --for') _mq_kind=choices _mq_choices='pub sub rr' ;;
    'completion #1') _mq_kind=choices _mq_choices='bash zsh fish' ;;
    *' #'*) _mq_kind=none ;;
    *) _mq_kind=text ;;
  esac
}

# The profile names of the rc file mq would load here (or of --config FILE).
_mq_profiles() {
  local mq=${COMP_WORDS[0]/#\~/$HOME}
  if [[ -n $1 ]]; then
    "$mq" completion --profiles --config "$1" 2>/dev/null
  else
    "$mq" completion --profiles 2>/dev/null
  fi
}

_mq() {
  local cur=${COMP_WORDS[COMP_CWORD]} path='' word flag='' prefix='' config='' i npos=0
  local _mq_flags _mq_valued _mq_subs _mq_kind _mq_choices
  COMPREPLY=()
  _mq_spec ''

  # Walk the words before the cursor: follow the command path, skip the values of flags (noting
  # --config for the profile names), count positional arguments, and notice when the cursor is on
  # a flag's value. bash splits "--qos=1" into "--qos" "=" "1" unless COMP_WORDBREAKS lacks "=".
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in
      -*=*) [[ $word == --config=* ]] && config=${word#*=} ;;
      -*)
        [[ " $_mq_valued " == *" $word "* ]] || continue
        if [[ ${COMP_WORDS[i + 1]} == = ]]; then
          ((i++))
          if ((i + 1 == COMP_CWORD)); then flag=$word; break; fi
          [[ $cur == = ]] && { flag=$word; cur=''; break; }
        fi
        if ((i + 1 == COMP_CWORD)); then
          flag=$word
          [[ $cur == = ]] && cur=''
          break
        fi
        ((i++))
        [[ $word == --config ]] && config=${COMP_WORDS[i]}
        ;;
      *)
        if ((npos == 0)) && [[ -n $_mq_subs && " $_mq_subs " == *" $word "* ]]; then
          path=${path:+$path }$word
          _mq_spec "$path"
        else
          ((npos++))
        fi
        ;;
    esac
  done

  if [[ -z $flag && $cur == -*=* ]]; then
    flag=${cur%%=*}
    prefix=$flag=
    cur=${cur#*=}
    [[ " $_mq_valued " == *" $flag "* ]] || return 0
  fi

  if [[ -n $flag ]]; then
    _mq_value "$path" "$flag"
  elif [[ $cur == -* ]]; then
    _mq_kind=flags
  elif ((npos == 0)) && [[ -n $_mq_subs ]]; then
    _mq_kind=subs
  else
    _mq_value "$path" "#$((npos + 1))"
    [[ $_mq_kind == none ]] && _mq_kind=flags
  fi

  case $_mq_kind in
    flags) mapfile -t COMPREPLY < <(compgen -W "$_mq_flags" -- "$cur") ;;
    subs) mapfile -t COMPREPLY < <(compgen -W "$_mq_subs" -- "$cur") ;;
    choices) mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$_mq_choices" -- "$cur") ;;
    profile)
      local IFS=$'\n'
      mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$(_mq_profiles "$config")" -- "$cur")
      ;;
    file)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -P "$prefix" -f -- "$cur")
      ;;
  esac
  return 0
}

complete -F _mq mq
