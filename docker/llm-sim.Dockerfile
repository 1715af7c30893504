# syntax=docker/dockerfile:1
# OpenAI-compatible LLM simulator image, for in-cluster load tests only. Build from the repository root:
#   docker build -f docker/gateway.Dockerfile -t parley/llm-sim:0.1.0 .
# The runtime stage holds Node, the built simulator and its production dependencies only
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
RUN pnpm install --offline --frozen-lockfile --filter "@parley/llm-sim..." \
 && pnpm --filter "@parley/llm-sim..." run build \
 && pnpm --filter @parley/llm-sim --prod deploy --legacy /out \
 && rm -rf /out/src /out/tsconfig*.json /out/.turbo \
 && find /out/node_modules/@parley -mindepth 2 -maxdepth 2 \( -name src -o -name .turbo -o -name 'tsconfig*.json' \) -exec rm -rf {} +

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# Owned by root, read-only for the process.
COPY --from=build /out /app
USER 1000:1000
EXPOSE 8082
# Listens on all interfaces: in a pod, the Service reaches it from outside the loopback.
ENTRYPOINT ["node", "dist/cli.js"]
# Flags (see the package README); Kubernetes `args` replace these.
CMD ["--host", "0.0.0.0", "--port", "8082"]
