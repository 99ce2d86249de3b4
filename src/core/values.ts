/** A value a filter compares with: what the query language accepts and every engine can bind. */
export type ScalarValue = string | number | boolean;

/** The values of an `in` / `not_in` list: all of one type. */
export type ListValue = readonly string[] | readonly number[] | readonly boolean[];
