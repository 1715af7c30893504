# syntax=docker/dockerfile:1
# Worker image. Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t parley/worker:0.1.0 .
# The runtime stage holds Node, the built worker and its production dependencies only
# (`pnpm deploy` prunes the workspace), runs as uid 1000 and writes nothing to its filesystem, so
# it runs with readOnlyRootFilesystem.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
# The pnpm version of package.json's packageManager field.
ARG PNPM_VERSION=10.34.8
RUN npm install --global --no-fund --no-audit pnpm@${PNPM_VERSION}
WORKDIR /src
# Dependencies first, from the lockfile alone, so that source changes reuse this layer.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile --filter "@parley/worker..." \
 && pnpm --filter "@parley/worker..." run build \
 && pnpm --filter @parley/worker --prod deploy --legacy /out \
 && rm -rf /out/src /out/tsconfig*.json /out/.turbo \
 && find /out/node_modules/@parley -mindepth 2 -maxdepth 2 \( -name src -o -name .turbo -o -name 'tsconfig*.json' \) -exec rm -rf {} +

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# Owned by root, read-only for the process.
COPY --from=build /out /app
USER 1000:1000
EXPOSE 9464
# Node is PID 1 and the worker handles SIGTERM itself (no new lanes; those in flight finish or go back to the queue).
CMD ["node", "dist/main.js"]
