export const distFile: string;
export function gzip(buf: Buffer): Buffer;
export function build(): Promise<{ bytes: number; gzipped: number; brotli: number }>;
