#!/bin/sh
# Installs the real components the tests use (Debian 12): Docker engine, the
# distribution registry, skopeo, umoci, htpasswd, git and Chromium (the UI's browser tests). Installs only what is missing.
set -eu

missing=""
command -v dockerd >/dev/null 2>&1 || missing="$missing docker.io"
command -v docker-registry >/dev/null 2>&1 || missing="$missing docker-registry"
command -v skopeo >/dev/null 2>&1 || missing="$missing skopeo"
command -v umoci >/dev/null 2>&1 || missing="$missing umoci"
command -v htpasswd >/dev/null 2>&1 || missing="$missing apache2-utils"
command -v git >/dev/null 2>&1 || missing="$missing git"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"

if [ -z "$missing" ]; then
  echo "install-deps: docker.io docker-registry skopeo umoci apache2-utils git chromium already installed"
  exit 0
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086
apt-get install -y $missing
