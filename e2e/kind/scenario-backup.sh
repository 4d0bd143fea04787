#!/usr/bin/env bash
# Scenario: a backup through the operator. Applies config/samples/kvbackup.yaml and waits for the KVBackup to finish.
# Skipped, with a message, while the repository has no KVBackup (no sample file, or no CRD in the cluster).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require kubectl

sample="$CAIRN_ROOT/config/samples/kvbackup.yaml"
if [[ ! -f "$sample" ]]; then
    log "backup: SKIPPED: $sample does not exist (no KVBackup resource in this version)"
    exit 0
fi
if ! kubectl get crd kvbackups.kv.cairn.dev >/dev/null 2>&1; then
    log "backup: SKIPPED: the cluster has no KVBackup CRD (kvbackups.kv.cairn.dev); is the chart up to date?"
    exit 0
fi

# backup_finished OBJECT: the backup's status.phase says it is done; a failure stops the scenario at once.
backup_finished() {
    local phase
    phase="$(kv get "$1" -o jsonpath='{.status.phase}')"
    case "$phase" in
        Succeeded | Completed | Complete) return 0 ;;
        Failed) kv get "$1" -o yaml >&2; die "$1 failed" ;;
        *) return 1 ;;
    esac
}

replicas="$(cluster_field '{.spec.replicas}')"
wait_converged "$replicas"
etcdctl put /e2e/backup/key "in-the-backup"

object="$(kv apply -f "$sample" -o name)"
log "created $object; waiting for it to finish"
eventually "$WAIT_SECONDS" backup_finished "$object" || {
    kv get "$object" -o yaml >&2 || true
    die "$object did not finish in ${WAIT_SECONDS}s"
}
kv get "$object" -o yaml
log "backup: passed"
