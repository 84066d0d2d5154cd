// `npm run build:ui`: builds the browser app into ui/dist/ and prints its initial JavaScript size.
import { buildUiApp } from "./index.ts";

const built = await buildUiApp();
for (const file of built.initialJavaScript)
  process.stdout.write(`${file.file}: ${file.bytes} bytes, ${file.gzipBytes} gzipped\n`);
