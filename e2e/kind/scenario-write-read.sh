#!/usr/bin/env bash
# Scenario: the cluster serves etcdctl. Write keys, read them back (one key, a prefix, a count), a transaction,
# a delete, then the health of every member and the membership.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require kubectl

replicas="$(cluster_field '{.spec.replicas}')"
wait_converged "$replicas"

log "write"
etcdctl put /e2e/greeting hello
for i in 1 2 3; do
    etcdctl put "/e2e/items/$i" "value-$i"
done

log "read"
expect_value /e2e/greeting hello
expect_value /e2e/items/2 value-2
count="$(etcdctl get /e2e/items/ --prefix --keys-only | grep -c .)"
[[ "$count" == 3 ]] || die "expected 3 keys under /e2e/items/, got '$count'"

log "transaction: set greeting to bye only if it is hello"
printf '%s\n' 'value("/e2e/greeting") = "hello"' '' 'put /e2e/greeting bye' '' '' | etcdctl txn
expect_value /e2e/greeting bye

log "delete"
deleted="$(etcdctl del /e2e/items/ --prefix)"
[[ "$deleted" == 3 ]] || die "expected 3 keys deleted, got '$deleted'"
[[ -z "$(etcdctl get /e2e/items/ --prefix --keys-only)" ]] || die "keys under /e2e/items/ survived the delete"

log "health and membership"
etcdctl endpoint health --cluster
members="$(member_count)"
[[ "$members" == "$replicas" ]] || die "expected $replicas members, member list shows $members"
log "write-read: passed"
