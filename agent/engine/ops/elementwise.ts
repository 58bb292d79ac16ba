// Elementwise ops (numpy broadcasting), comparisons, logic, Where and Cast.
import type { DType } from '../dtype.js';
import type { Value } from '../graph.js';
import { broadcastShapes } from '../shape.js';
import { emit1, lift, type Operand } from './common.js';

type BinaryOp = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Max' | 'Min';
type CompareOp = 'Equal' | 'Less' | 'Greater' | 'LessOrEqual' | 'GreaterOrEqual' | 'And' | 'Or';
type UnaryOp =
  | 'Neg' | 'Exp' | 'Log' | 'Sqrt' | 'Tanh' | 'Erf' | 'Sigmoid' | 'Relu'
  | 'Reciprocal' | 'Abs' | 'Sign' | 'Identity' | 'Not';

function binary(op: BinaryOp, a: Operand, b: Operand): Value {
  const [x, y] = lift(op, a, b);
  // Pow may raise to an exponent of another type; all others need equal types.
  if (op !== 'Pow' && x.dtype !== y.dtype) throw new Error(`${op}: dtypes ${x.dtype} and ${y.dtype} differ`);
  return emit1(op, [x, y], {}, x.dtype, broadcastShapes(x.shape, y.shape));
}

function compare(op: CompareOp, a: Operand, b: Operand): Value {
  const [x, y] = lift(op, a, b);
  return emit1(op, [x, y], {}, 'bool', broadcastShapes(x.shape, y.shape));
}

const unary = (op: UnaryOp, x: Value): Value => emit1(op, [x], {}, x.dtype, x.shape);

export const Add = (a: Operand, b: Operand): Value => binary('Add', a, b);
export const Sub = (a: Operand, b: Operand): Value => binary('Sub', a, b);
export const Mul = (a: Operand, b: Operand): Value => binary('Mul', a, b);
export const Div = (a: Operand, b: Operand): Value => binary('Div', a, b);
export const Pow = (a: Operand, b: Operand): Value => binary('Pow', a, b);
export const Max = (a: Operand, b: Operand): Value => binary('Max', a, b);
export const Min = (a: Operand, b: Operand): Value => binary('Min', a, b);

export const Neg = (x: Value): Value => unary('Neg', x);
export const Exp = (x: Value): Value => unary('Exp', x);
export const Log = (x: Value): Value => unary('Log', x);
export const Sqrt = (x: Value): Value => unary('Sqrt', x);
export const Tanh = (x: Value): Value => unary('Tanh', x);
/** float32 only in ORT's CPU provider. */
export const Erf = (x: Value): Value => unary('Erf', x);
export const Sigmoid = (x: Value): Value => unary('Sigmoid', x);
export const Relu = (x: Value): Value => unary('Relu', x);
export const Reciprocal = (x: Value): Value => unary('Reciprocal', x);
export const Abs = (x: Value): Value => unary('Abs', x);
export const Sign = (x: Value): Value => unary('Sign', x);
export const Identity = (x: Value): Value => unary('Identity', x);
export const Not = (x: Value): Value => unary('Not', x);

export const Equal = (a: Operand, b: Operand): Value => compare('Equal', a, b);
export const Less = (a: Operand, b: Operand): Value => compare('Less', a, b);
export const Greater = (a: Operand, b: Operand): Value => compare('Greater', a, b);
export const LessOrEqual = (a: Operand, b: Operand): Value => compare('LessOrEqual', a, b);
export const GreaterOrEqual = (a: Operand, b: Operand): Value => compare('GreaterOrEqual', a, b);
export const And = (a: Value, b: Value): Value => compare('And', a, b);
export const Or = (a: Value, b: Value): Value => compare('Or', a, b);

/** cond ? a : b, elementwise with broadcasting; numbers take the dtype of the tensor branch. */
export function Where(cond: Value, a: Operand, b: Operand): Value {
  const [x, y] = lift('Where', a, b);
  if (x.dtype !== y.dtype) throw new Error(`Where: dtypes ${x.dtype} and ${y.dtype} differ`);
  return emit1('Where', [cond, x, y], {}, x.dtype, broadcastShapes(cond.shape, x.shape, y.shape));
}

export const Cast = (x: Value, to: DType): Value => emit1('Cast', [x], { to }, to, x.shape);
