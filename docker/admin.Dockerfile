# syntax=docker/dockerfile:1
# Admin image (Bull Board behind basic auth). Build from the repository root:
#   docker build -f docker/admin.Dockerfile -t parley/admin:0.1.0 .
# The runtime stage holds Node, the built admin server and its production dependencies only
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
RUN pnpm install --offline --frozen-lockfile --filter "@parley/admin..." \
 && pnpm --filter "@parley/admin..." run build \
 && pnpm --filter @parley/admin --prod deploy --legacy /out \
 && rm -rf /out/src /out/tsconfig*.json /out/.turbo \
 && find /out/node_modules/@parley -mindepth 2 -maxdepth 2 \( -name src -o -name .turbo -o -name 'tsconfig*.json' \) -exec rm -rf {} +

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# Owned by root, read-only for the process.
COPY --from=build /out /app
USER 1000:1000
EXPOSE 9470
# Node is PID 1 and the admin server handles SIGTERM itself (closes its connections and queues).
CMD ["node", "dist/main.js"]
