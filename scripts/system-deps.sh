#!/usr/bin/env bash
# Install the Debian packages the test suite needs, if missing: Chromium (browser tests), a CJK
# font (without one Chinese renders as empty boxes) and a compose CLI (tests/test_compose.py runs
# `config -q` on docker-compose.yml; it needs no Docker engine). Debian 12 packages Compose v1 as
# docker-compose; a `docker compose` v2 plugin, where one is installed, serves as well. Idempotent.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || need+=(fonts-wqy-zenhei)
command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
