/**
 * The one glob dialect of the project: profile include/exclude and waiver rule/resource patterns.
 * ARNs are not paths, so `*` crosses `/` and `:` (picomatch's bash mode); a leading `!` is literal
 * (profiles say "exclude" instead), and a dot is an ordinary character.
 */
import picomatch from 'picomatch';

const OPTIONS: picomatch.PicomatchOptions = { bash: true, dot: true, nonegate: true };

/** A matcher for one pattern: whole-string, case-sensitive; `*` any run of characters, `?` one, `[..]`, `{a,b}`. */
export function globMatcher(pattern: string): (value: string) => boolean {
  return picomatch(pattern, OPTIONS);
}

/** Whether a pattern uses any glob syntax (a plain id must name something that exists). */
export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern, OPTIONS).isGlob;
}
