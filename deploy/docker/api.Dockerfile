# The API: Fastify over Postgres and Redis. Migrates on start (idempotent, lock-protected).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json turbo.json tsconfig.base.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY packages ./packages
COPY apps ./apps
RUN npm ci --no-audit --no-fund
EXPOSE 3000
CMD ["sh", "-c", "node --import tsx apps/cli/bin/lrsweep.js migrate && exec node --import tsx apps/api/src/main.ts"]
