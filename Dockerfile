# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim AS base
WORKDIR /app
ENV NODE_ENV=production

FROM base AS build
# Native modules (better-sqlite3) build here when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --include=dev
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
RUN npm run build && npm prune --omit=dev

FROM base AS runtime
LABEL org.opencontainers.image.title="valentina-discord-bot" \
      org.opencontainers.image.description="Discord bot for World of Darkness groups on the Valentina Noir API"
RUN apt-get update && apt-get install -y --no-install-recommends dumb-init && rm -rf /var/lib/apt/lists/*
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
RUN mkdir -p /app/data && chown node:node /app/data
USER node
ENV NODE_OPTIONS=--enable-source-maps DATA_DIR=/app/data HTTP_PORT=8080 HTTP_HOST=0.0.0.0
VOLUME ["/app/data"]
# /healthz, /readyz, /metrics (and the Discord sign-in callback). Publish it only to a reverse proxy.
EXPOSE 8080
# Node itself asks /readyz (the image has no curl): a bot whose gateway never becomes READY, whose
# store is gone or whose Valentina has been silent for a minute turns unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "dist/src/http/healthcheck.js"]
ENTRYPOINT ["dumb-init", "--"]
CMD ["node", "dist/src/main.js"]
