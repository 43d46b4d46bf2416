/**
 * The protobuf wire format, as much as reading and editing ONNX models needs: field headers, varints, strings, and the
 * encoders that write length-delimited fields. No protobuf library, and payloads are never decoded unless asked for.
 */
import { InvalidModelError } from "../errors.js";

/** The bytes are not a well-formed ONNX protobuf; `describeModel` reports it as an `InvalidModelError` naming the model. */
export class OnnxParseError extends InvalidModelError {
    override name = "OnnxParseError";
    constructor(message: string) {
        super(message);
        // Keeps `instanceof` working if this is ever compiled to an ES5 target.
        Object.setPrototypeOf(this, new.target.prototype);
    }
}

export const VARINT = 0,
    I64 = 1,
    LEN = 2,
    I32 = 5;
const WIRE_NAMES = ["varint", "fixed64", "length-delimited", "group start", "group end", "fixed32"];

/** One decoded field header: `value` for varints, [start, end) for the payload of the other wire types. */
export interface Field {
    no: number;
    wire: number;
    at: number;
    value: number;
    start: number;
    end: number;
}

/**
 * Decodes a base-128 varint as a JS number. int64 values are split into two 32-bit
 * halves so that negative numbers (always 10 bytes, two's complement) come out right;
 * magnitudes beyond 2^53 lose precision, which is irrelevant for anything ONNX stores here.
 */
export function varint(b: Uint8Array, pos: number, end: number): [number, number] {
    let lo = 0,
        hi = 0;
    for (let i = 0; i < 10; i++) {
        if (pos >= end) throw new OnnxParseError(`truncated at byte ${pos}: varint runs past the end of its message`);
        const byte = b[pos++],
            bits = byte & 0x7f;
        if (i < 4) lo |= bits << (7 * i);
        else if (i === 4) {
            lo |= bits << 28;
            hi |= bits >>> 4;
        } else hi |= bits << (7 * i - 32);
        if (byte < 0x80) {
            lo >>>= 0;
            hi >>>= 0;
            const v = hi & 0x80000000 ? -((~hi >>> 0) * 0x100000000 + (~lo >>> 0) + 1) : hi * 0x100000000 + lo;
            return [v, pos];
        }
    }
    throw new OnnxParseError(`malformed varint at byte ${pos - 10}: longer than 10 bytes`);
}

/** Iterates the fields of the message occupying b[start, end). All offsets are absolute into the input. */
export function* fields(b: Uint8Array, start: number, end: number): Generator<Field> {
    let pos = start;
    while (pos < end) {
        const at = pos;
        const [tag, p] = varint(b, pos, end);
        const no = Math.floor(tag / 8),
            wire = tag % 8;
        if (no < 1) throw new OnnxParseError(`invalid field number ${no} at byte ${at}`);
        let value = 0,
            s = p,
            e: number;
        if (wire === VARINT) [value, e] = varint(b, p, end);
        else if (wire === I64) e = p + 8;
        else if (wire === I32) e = p + 4;
        else if (wire === LEN) {
            const [len, p2] = varint(b, p, end);
            if (len < 0) throw new OnnxParseError(`negative length ${len} for field ${no} at byte ${at}`);
            s = p2;
            e = p2 + len;
        } else {
            throw new OnnxParseError(`unsupported wire type ${wire} (${WIRE_NAMES[wire] ?? "unknown"}) for field ${no} at byte ${at}`);
        }
        if (e > end) {
            throw new OnnxParseError(`truncated at byte ${at}: field ${no} needs ${e - s} bytes but only ${Math.max(0, end - s)} remain`);
        }
        pos = e;
        yield { no, wire, at, value, start: s, end: e };
    }
}

/** Known fields must carry the wire type onnx.proto gives them; anything else means the bytes are not ONNX. */
export function expectWire(f: Field, wire: number, where: string): void {
    if (f.wire !== wire) {
        throw new OnnxParseError(`${where} field ${f.no} at byte ${f.at} has wire type ${WIRE_NAMES[f.wire]}, expected ${WIRE_NAMES[wire]}`);
    }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder("utf-8");

/** Names must be valid UTF-8 (a cheap, strong signal against garbage); attribute strings may be arbitrary bytes. */
export function str(b: Uint8Array, f: Field, where: string, lenient = false): string {
    expectWire(f, LEN, where);
    const bytes = b.subarray(f.start, f.end);
    if (lenient) return lenientUtf8.decode(bytes);
    try {
        return strictUtf8.decode(bytes);
    } catch {
        throw new OnnxParseError(`${where} field ${f.no} at byte ${f.at} is not valid UTF-8`);
    }
}

export function num(f: Field, where: string): number {
    expectWire(f, VARINT, where);
    return f.value;
}

export function encodeVarint(value: number): number[] {
    const out: number[] = [];
    let v = value;
    while (v >= 0x80) {
        out.push((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
    }
    out.push(v);
    return out;
}

export function lengthDelimited(no: number, payload: Uint8Array | number[]): number[] {
    return [...encodeVarint(no * 8 + LEN), ...encodeVarint(payload.length), ...payload];
}

export function concat(parts: Uint8Array[]): Uint8Array {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
        out.set(p, offset);
        offset += p.length;
    }
    return out;
}
