#!/bin/sh
# A private Postfix instance for the mail tests and benchmark: its own config, queue and data directories under
# DIR, SMTP only on 127.0.0.1:PORT, every message for any address delivered into the Maildir DIR/maildir/.
# Needs root (Postfix's daemons drop to the postfix user). Nothing of the system's own Postfix is touched.
#   postfix-instance.sh start DIR PORT   |   postfix-instance.sh stop DIR
set -eu
command=$1
dir=$(cd "$2" && pwd)

case $command in
start)
    port=$3
    mkdir -p "$dir/conf" "$dir/queue" "$dir/data" "$dir/mail"
    # The Maildir is written by the virtual agent as the postfix user.
    chown postfix:postfix "$dir/data" "$dir/mail"
    uid=$(id -u postfix); gid=$(id -g postfix)
    cat > "$dir/conf/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = kring-test.invalid
mydomain = kring-test.invalid
myorigin = kring-test.invalid
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = permit_mynetworks, reject
local_transport = error:local delivery is disabled
relay_transport = error:relaying is disabled
default_transport = error:relaying is disabled
virtual_mailbox_domains = static:all
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = static:maildir/
virtual_minimum_uid = 1
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
alias_maps =
alias_database =
smtpd_banner = \$myhostname ESMTP
maillog_file_prefixes = $dir
maillog_file = $dir/postfix.log
smtpd_peername_lookup = no
disable_dns_lookups = yes
smtp_dns_support_level = disabled
message_size_limit = 10240000
in_flow_delay = 0
CONF
    cat > "$dir/conf/master.cf" <<CONF
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CONF
    postfix -c "$dir/conf" set-permissions >/dev/null 2>&1 || true
    postfix -c "$dir/conf" check
    postfix -c "$dir/conf" start
    ;;
stop)
    postfix -c "$dir/conf" stop >/dev/null 2>&1 || true
    ;;
*)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 64
    ;;
esac
