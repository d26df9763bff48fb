// Renders jobs as Directus 12.4 does with sharp: auto-orient, the `transforms` calls in
// order, then Directus's own resize and toFormat. Reads a JSON array of jobs on stdin,
// writes a JSON array of results: {data: base64, width, height, channels, format} or {error}.
const sharp = require('sharp');

async function render(job) {
  const image = sharp(Buffer.from(job.input, 'base64'), { failOn: 'none' }).autoOrient();
  for (const [method, ...args] of job.transforms || []) {
    image[method](...args);
  }
  if (job.resize) image.resize(job.resize);
  if (job.format) image.toFormat(job.format, job.quality ? { quality: job.quality } : {});
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  return {
    data: data.toString('base64'),
    width: info.width,
    height: info.height,
    channels: info.channels,
    format: info.format,
  };
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const jobs = JSON.parse(Buffer.concat(chunks).toString());
  const results = [];
  for (const job of jobs) {
    try {
      results.push(await render(job));
    } catch (error) {
      results.push({ error: String(error.message || error) });
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main();
