export const distFile: string;
export const cookielessFile: string;
export function gzip(buf: Buffer): Buffer;
type Sizes = { bytes: number; gzipped: number; brotli: number };
export function build(): Promise<Sizes & { cookieless: Sizes }>;
