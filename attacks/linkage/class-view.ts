/**
 * @module attacks/linkage/class-view — the release reduced to one representative row per class
 * (distinct released QI tuple), for exact linkage: compatibility is a property of the released values,
 * so every row of a class is compatible with a target or none is.
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import type { ClassIndex } from '../shared/classes.js';
import { type LinkageData, rowMajor } from './prepare.js';

/**
 * The prepared data with the release side replaced by the classes' first rows (class c is "row" c).
 * @param data - the prepared data over the whole release
 * @param classes - the release's classes over the same QIs
 */
export function classView(data: LinkageData, classes: ClassIndex): LinkageData {
  const reps = Int32Array.from({ length: classes.classes }, (_, c) => classes.order[classes.starts[c]]);
  const fields = data.fields.map((f) => {
    const release = sharedInt32(reps.length);
    for (let c = 0; c < reps.length; c++) release[c] = f.release[reps[c]];
    const x = f.releaseNumbers;
    const releaseNumbers = x ? sharedFloat64(reps.length) : undefined;
    if (x && releaseNumbers) for (let c = 0; c < reps.length; c++) releaseNumbers[c] = x[reps[c]];
    return { ...f, release, releaseNumbers };
  });
  return { ...data, fields, ...rowMajor(fields, reps.length), releaseRows: reps.length };
}
