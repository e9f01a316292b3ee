/**
 * Compose interpolates `${…}` in every value of the file: how Gantry writes a variable Compose
 * must fill in, and a value Compose must leave alone.
 * https://docs.docker.com/reference/compose-file/interpolation/
 */

/** `${NAME:?set NAME}`: Compose takes the value from the shell or .env and refuses to start without it. */
export function required(name: string): string {
  return `\${${name}:?set ${name}}`;
}

/** A value written as is: `$` doubled so Compose does not read it as a variable. */
export function literal(value: string): string {
  return value.replaceAll('$', '$$$$');
}
