/* eslint-disable no-bitwise -- MP3 frame headers are bit fields. */
/**
 * Playing time of an MPEG audio (MP3) file, from its frame headers: frames x samples per frame /
 * sample rate. Skips a leading ID3v2 tag; fails on anything that is not a run of MPEG Layer III
 * frames to the end, so a truncated or foreign file is noticed.
 */
export function mp3DurationSeconds(mp3: Buffer): number {
  let at = 0;
  if (mp3.subarray(0, 3).toString('latin1') === 'ID3') {
    at = 10 + (((mp3[6] & 0x7f) << 21) | ((mp3[7] & 0x7f) << 14) | ((mp3[8] & 0x7f) << 7) | (mp3[9] & 0x7f));
  }
  // kbit/s by bitrate index: MPEG-1 Layer III, and MPEG-2/2.5 Layer III.
  const mpeg1Rates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
  const mpeg2Rates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
  const mpeg1SampleRates = [44100, 48000, 32000];
  let seconds = 0;
  while (at < mp3.length) {
    if (at + 4 > mp3.length || mp3[at] !== 0xff || (mp3[at + 1] & 0xe0) !== 0xe0) {
      throw new Error(`not an MPEG frame at byte ${at} of ${mp3.length}`);
    }
    const version = (mp3[at + 1] >> 3) & 0b11; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    const layer = (mp3[at + 1] >> 1) & 0b11; // 1: Layer III
    const bitrateIndex = mp3[at + 2] >> 4;
    const sampleRateIndex = (mp3[at + 2] >> 2) & 0b11;
    if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || sampleRateIndex === 3) {
      throw new Error(`unsupported MPEG frame header at byte ${at}`);
    }
    const mpeg1 = version === 3;
    const sampleRate = mpeg1SampleRates[sampleRateIndex] / (mpeg1 ? 1 : version === 2 ? 2 : 4);
    const bitrate = (mpeg1 ? mpeg1Rates : mpeg2Rates)[bitrateIndex] * 1000;
    const samples = mpeg1 ? 1152 : 576;
    const padding = (mp3[at + 2] >> 1) & 1;
    at += Math.floor(((mpeg1 ? 144 : 72) * bitrate) / sampleRate) + padding;
    seconds += samples / sampleRate;
  }
  if (at !== mp3.length) throw new Error(`the last MPEG frame ends at byte ${at}, after the end of the file (${mp3.length} bytes)`);
  return seconds;
}
