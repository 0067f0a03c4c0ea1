# Sourced by deploy/compose-test and deploy/bench/replicas: the compose stack's life on this machine's private
# engine (deploy/local/engine). Sets C (the `docker compose ...` command as an array), WORK, SERVICE_API_KEY.
# Callers set EXTRA_FILES (more -f files) before stack_init, and `trap stack_cleanup EXIT`.
# shellcheck shell=bash
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DOCKER=/usr/bin/docker
t() { echo "[$(date -u +%T)] $(basename "$0"): $*"; }

stack_init() {
  STACK_START=$(date +%s)
  cd "$REPO"
  deploy/local/engine start
  eval "$(deploy/local/engine env)"
  WORK="$(mktemp -d)"
  KEEP_ENGINE="${KEEP_ENGINE:-${KEEP_STACK:-0}}"
  local files=(-f deploy/docker-compose.yml)
  [ "${REGISTRY:-0}" = 1 ] || files+=(-f deploy/compose.local.yml)
  # shellcheck disable=SC2206  # EXTRA_FILES is a list of -f options
  files+=(${EXTRA_FILES:-})
  C=("$DOCKER" compose --env-file "$WORK/compose.env" "${files[@]}")
  [ "${REGISTRY:-0}" = 1 ] || deploy/local/engine bases
  key() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
  SERVICE_API_KEY="$(key)"
  cat > "$WORK/compose.env" <<EOF
POSTGRES_PASSWORD=$(key)
SERVICE_API_KEY=$SERVICE_API_KEY
SESSION_SECRET=$(key)
WEB_PUBLISH=${WEB_PUBLISH:-18000}
WEB_TLS=false
FORWARDED_ALLOW_IPS=*
DEMO_CLIENTS=${DEMO_CLIENTS:-3000}
SCORING_REPLICAS=${SCORING_REPLICAS:-2}
EXPLAIN_REPLICAS=${EXPLAIN_REPLICAS:-2}
SCORING_CPUS=${SCORING_CPUS:-1.0}
RATE_LIMIT_PER_SECOND=${RATE_LIMIT_PER_SECOND:-2000}
RATE_LIMIT_BURST=${RATE_LIMIT_BURST:-4000}
EOF
}

stack_build() {
  local s; s=$(date +%s)
  "${C[@]}" build -q > "$WORK/build.log" 2>&1 || { tail -80 "$WORK/build.log"; return 1; }
  t "build $(( $(date +%s) - s ))s"
  $DOCKER images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^pret-a-depenser' | sort
}

# Up, then wait until the balancer is healthy (web behind it is, after scoring and explain and the bootstrap job).
stack_up() {
  local s state=starting; s=$(date +%s)
  "${C[@]}" up -d --quiet-pull
  for _ in $(seq 360); do
    state="$($DOCKER inspect -f '{{.State.Health.Status}}' pret-a-depenser-lb-1 2>/dev/null || echo starting)"
    [ "$state" = healthy ] && break
    if "${C[@]}" ps -a --format '{{.Service}} {{.State}} {{.ExitCode}}' | grep -qE '^bootstrap exited [1-9]'; then
      t "bootstrap failed"; return 1
    fi
    sleep 5
  done
  [ "$state" = healthy ] || { t "balancer not healthy after 30 min"; return 1; }
  t "up, healthy $(( $(date +%s) - s ))s"
  "${C[@]}" ps --format '{{.Name}} {{.Status}}'
}

# One value (or rows) from the compose database.
stack_sql() { "${C[@]}" exec -T db psql -U credit -d credit -At "$@"; }

stack_cleanup() {
  local rc=$?
  set +e
  if [ "$rc" != 0 ] && [ -n "${C:-}" ]; then
    t "FAILED (exit $rc): state and logs"
    "${C[@]}" ps -a
    "${C[@]}" logs --tail 60 2>&1 | tail -200
  fi
  if [ "${KEEP_STACK:-0}" = 1 ]; then
    t "stack left running: ${C[*]}"
  elif [ -n "${C:-}" ]; then
    "${C[@]}" --profile observability down -v --remove-orphans >/dev/null 2>&1
    # Keep the build cache; drop what no tag points at any more (older builds of the images).
    $DOCKER image prune -f >/dev/null 2>&1
    rm -rf "$WORK"
  fi
  [ "${KEEP_ENGINE:-0}" = 1 ] || deploy/local/engine stop
  t "total $(( $(date +%s) - ${STACK_START:-$(date +%s)} ))s"
  exit "$rc"
}
