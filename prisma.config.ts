import { defineConfig } from 'prisma/config';

// Prisma 7 reads its settings here rather than from schema.prisma. The URL is optional so
// `prisma generate` (run at install, with no database) works; commands that need a database
// (`migrate diff`, `migrate deploy`) read DATABASE_URL; `migrate diff --from-migrations` also
// needs an empty scratch database, SHADOW_DATABASE_URL.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? '',
    ...(process.env.SHADOW_DATABASE_URL ? { shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL } : {}),
  },
});
