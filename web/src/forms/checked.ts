// A form checked with a zod schema the way a person fills it in: a field says what is
// wrong once the user has left it (or on submit), never before. react-hook-form checks a
// whole repeated group when a row is added, which would put "Required" under every field
// of the row just added; those errors are held back until each field has been left.
import { zodResolver } from "@hookform/resolvers/zod";
import { useRef } from "react";
import {
  type DefaultValues,
  type FieldErrors,
  type FieldPath,
  type FieldValues,
  type Resolver,
  useForm,
  type UseFormHandleSubmit,
} from "react-hook-form";
import type { z } from "zod";

/** Whether an error at `path` may be shown. */
type Shown = (path: string) => boolean;

function isLeaf(node: object): boolean {
  return "message" in node && "type" in node && typeof node.type === "string";
}

/** `errors` without the leaves `shown` holds back (and without what is left empty). */
export function withheld(errors: object, shown: Shown, prefix = ""): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(errors)) {
    if (typeof node !== "object" || node === null) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (isLeaf(node)) {
      if (shown(path)) kept[key] = node;
      continue;
    }
    const inner = withheld(node, shown, path);
    if (Object.keys(inner).length > 0) kept[key] = Array.isArray(node) ? Object.assign([], inner) : inner;
  }
  return kept;
}

/**
 * `resolver`, with the errors of a partial check (a field left, a row added) limited to
 * what `shown` allows; `submitting` says, when the check starts, that a submit asked for
 * it (then every error shows).
 */
export function untilLeft<V extends FieldValues, C, O>(
  resolver: Resolver<V, C, O>,
  shown: Shown,
  submitting: () => boolean,
): Resolver<V, C, O> {
  return async (values, context, options) => {
    const whole = submitting();
    const result = await resolver(values, context, options);
    if (whole) return result;
    return { values: {}, errors: withheld(result.errors, shown) as FieldErrors<V> };
  };
}

/**
 * A react-hook-form form over `schema`, showing a field's error once it has been left. The
 * object is new each render (its methods are not): an effect depends on a method, not on it.
 */
export function useCheckedForm<I extends FieldValues, O>(schema: z.ZodType<O, I>, defaultValues: DefaultValues<I>) {
  const shown = useRef<Shown>(() => true);
  const submitting = useRef(false);
  const form = useForm<I, unknown, O>({
    resolver: untilLeft(zodResolver(schema), (path) => shown.current(path), () => submitting.current),
    defaultValues,
    mode: "onTouched",
  });
  /** Once submitted, a field changed since shows its errors as it is typed in. */
  const submitted = useRef(false);
  shown.current = (path) => {
    const state = form.getFieldState(path as FieldPath<I>);
    return state.isTouched || state.invalid || (submitted.current && state.isDirty);
  };
  // A submit calls the resolver before its first await: the flag is up exactly then.
  const handleSubmit: UseFormHandleSubmit<I, O> = (onValid, onInvalid) => (event) => {
    submitting.current = true;
    submitted.current = true;
    try {
      return form.handleSubmit(onValid, onInvalid)(event);
    } finally {
      submitting.current = false;
    }
  };
  return { ...form, handleSubmit };
}
