# syntax=docker/dockerfile:1
# Session Desk as an image: built with the dev dependencies, run with the production ones, as a non-root
# user, by the same `npm start` the tests run (scripts/start.mjs → the compiled server in build/server).
# Docker cannot run on the machines this was written on: see README "Deploy" for what was tested here.

# ── build ────────────────────────────────────────────────────────────────────────────────
FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 downloads a prebuilt binary; the toolchain is only for a platform without one.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# postinstall copies monaco into public/monaco
COPY scripts/copy-monaco.mjs scripts/copy-monaco.mjs
RUN npm ci
COPY . .
# The Remix app (build/index.js, public/build) and the server compiled to JavaScript (build/server/);
# then the dev dependencies go (esbuild, the Remix compiler: nothing at run time needs them).
RUN npm run build && npm prune --omit=dev

# ── run ──────────────────────────────────────────────────────────────────────────────────
FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# Only what runs: no sources, so `npm start` never finds a build older than them and never rebuilds.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY --from=build /app/public ./public
COPY --from=build /app/scripts/start.mjs ./scripts/start.mjs
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /healthz: the process answers (never the core or the database: an outage must not restart the container).
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# npm passes SIGTERM on to the server, which shuts down gracefully (README "Deploy").
CMD ["npm", "start"]
