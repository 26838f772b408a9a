# A GPU training worker: tfjs-node-gpu on CUDA, falling back to the native blas backend (our own
# kernels: a C++ compiler is all it needs, no BLAS package) and WASM when no GPU is visible.
FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates build-essential python3 \
 && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json turbo.json tsconfig.base.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY packages ./packages
COPY apps ./apps
RUN npm ci --no-audit --no-fund \
 # tfjs-node-gpu downloads libtensorflow in its install script, which npm 11 runs only once approved.
 && npm install-scripts approve @tensorflow/tfjs-node-gpu \
 && npm install --no-save --foreground-scripts @tensorflow/tfjs-node-gpu@^4.22.0
CMD ["node", "--import", "tsx", "apps/worker/src/main.ts"]
