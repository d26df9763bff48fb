// Renders jobs as Directus 12.4 does with sharp: auto-orient, the `transforms` calls in
// order, then Directus's own resize and toFormat. Reads a JSON array of jobs on stdin,
// writes a JSON array of results: {data: base64, width, height, channels, format, medianMs}
// or {error}.
const sharp = require('sharp');

function pipeline(job, input) {
  // job.animated: every frame, as sharp({animated: true}) reads an animation (Directus
  // reads the first frame alone).
  const image = sharp(input, { failOn: 'none', animated: Boolean(job.animated) }).autoOrient();
  for (const [method, ...args] of job.transforms || []) {
    image[method](...args);
  }
  if (job.resize) image.resize(job.resize);
  if (job.format) image.toFormat(job.format, job.quality ? { quality: job.quality } : {});
  return image;
}

// With job.repeat, also the median time of that many renders (for the benchmark).
async function render(job) {
  const input = Buffer.from(job.input, 'base64');
  const times = [];
  for (let i = 0; i < (job.repeat || 0); i++) {
    const started = process.hrtime.bigint();
    await pipeline(job, input).toBuffer();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  const { data, info } = await pipeline(job, input).toBuffer({ resolveWithObject: true });
  return {
    medianMs: times.length ? times[Math.floor(times.length / 2)] : null,
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
