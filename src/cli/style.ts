/** Terminal colours, only when writing to a terminal and NO_COLOR is not set. */
const enabled = (stream: NodeJS.WriteStream) =>
  stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

const wrap =
  (open: number, close: number) =>
  (text: string, stream: NodeJS.WriteStream = process.stdout) =>
    enabled(stream) ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export const style = {
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  green: wrap(32, 39),
  cyan: wrap(36, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
};
