# syntax=docker/dockerfile:1
# intune-codesign as a container image: the tarball `pnpm package` writes — the one test/install.test.ts installs
# and runs — installed with npm, run as a non-root user, state on a volume. No image is built or tested by this
# repository's CI (no container engine there): build it yourself, from the repository root (README: Container image):
#   pnpm package
#   docker build -t registry.example.com/intune-codesign:0.2.0 .
#
# Two stages: npm installs the package where a compiler is (better-sqlite3 compiles its addon when no prebuilt one
# fits, and the package's install script builds the parser's iterated-hash addon), and the runtime image gets the
# installed package only, with no compiler.
FROM node:20.20.2-bookworm-slim AS install

# The package's version: the tarball's name, and the tag the README and examples/kubernetes/cronjob.yaml use.
ARG VERSION=0.2.0

# node-gyp's needs; the official image has Node.js's headers (/usr/local/include/node), so nothing is downloaded.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*

# The install the README gives, nothing more. The tarball comes in through a bind mount and npm's cache through a
# cache mount: neither stays in a layer.
RUN --mount=type=bind,source=dist,target=/tmp/dist --mount=type=cache,target=/root/.npm \
    npm install -g --no-audit --no-fund /tmp/dist/intune-codesign-${VERSION}.tgz
# The install script never fails npm (a machine without a compiler falls back to JavaScript): here, with one, the
# image must not quietly lack the addon.
RUN test -f /usr/local/lib/node_modules/intune-codesign/native/build/Release/iterated_hash.node

FROM node:20.20.2-bookworm-slim

# The installed package, and the command npm -g linked to it (the same Node.js, so the addons fit).
COPY --from=install /usr/local/lib/node_modules/intune-codesign /usr/local/lib/node_modules/intune-codesign
RUN ln -s ../lib/node_modules/intune-codesign/bin/intune-codesign.js /usr/local/bin/intune-codesign

# The same uid/gid as examples/kubernetes/cronjob.yaml's securityContext; the state volume is theirs.
RUN groupadd --system --gid 10001 intune-codesign \
    && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin intune-codesign \
    && install -d -o 10001 -g 10001 -m 0700 /var/lib/intune-codesign
ENV INTUNE_CODESIGN_STATE=/var/lib/intune-codesign/state.db
VOLUME ["/var/lib/intune-codesign"]
USER 10001:10001
ENTRYPOINT ["intune-codesign"]
CMD ["--help"]
