#!/bin/sh
# As the official image: redis-server listens on every address, without protected mode
# (the container's network is the protection).
set -eu
if [ "${1:-}" = redis-server ]; then
    shift
    exec redis-server --bind '* -::*' --protected-mode no "$@"
fi
exec "$@"
