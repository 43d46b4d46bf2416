/**
 * Minimal, dependency-free reader for the parts of an ONNX ModelProto we need
 * (I/O signature, metadata, opsets, top-level nodes and their simple attributes).
 *
 * Written directly against the protobuf wire format and the field numbers of
 * onnx.proto so it can run in the browser before the model is handed to a runtime,
 * without pulling in a protobuf library. Tensor payloads are never decoded: every
 * length-delimited field we do not care about is skipped by its length, so a
 * model with hundreds of MB of weights costs only a walk over its field headers.
 */

import { I32, LEN, OnnxParseError, VARINT, concat, encodeVarint, expectWire, fields, lengthDelimited, num, str, varint, type Field } from "./onnxWire.js";

export { OnnxParseError };

export interface OnnxDim {
    value?: number;
    param?: string;
}
export interface OnnxValueInfo {
    name: string;
    elemType: number;
    dims: OnnxDim[] | undefined;
}
export interface OnnxNodeInfo {
    opType: string;
    domain: string;
    name: string;
    attributes: Record<string, number | string | number[] | undefined>;
}
export interface OnnxModelInfo {
    irVersion: number;
    producerName: string;
    opsets: { domain: string; version: number }[];
    metadata: Record<string, string>;
    inputs: OnnxValueInfo[];
    outputs: OnnxValueInfo[];
    nodes: OnnxNodeInfo[];
    /** Initializers whose data lives in a file beside the model (`data_location` EXTERNAL), with the path they name. */
    externalData: { tensor: string; location: string }[];
}

function parseDims(b: Uint8Array, shape: Field): OnnxDim[] {
    const dims: OnnxDim[] = [];
    for (const f of fields(b, shape.start, shape.end)) {
        if (f.no !== 1) continue; // dim
        expectWire(f, LEN, "TensorShapeProto");
        const dim: OnnxDim = {};
        for (const d of fields(b, f.start, f.end)) {
            if (d.no === 1) dim.value = num(d, "Dimension");
            else if (d.no === 2) dim.param = str(b, d, "Dimension");
        }
        dims.push(dim);
    }
    return dims;
}

function parseValueInfo(b: Uint8Array, vi: Field): OnnxValueInfo {
    expectWire(vi, LEN, "ValueInfoProto");
    const out: OnnxValueInfo = { name: "", elemType: 0, dims: undefined };
    for (const f of fields(b, vi.start, vi.end)) {
        if (f.no === 1) out.name = str(b, f, "ValueInfoProto");
        else if (f.no === 2) {
            expectWire(f, LEN, "ValueInfoProto");
            // Only tensor_type (1) is described; sequence/map/optional types keep elemType 0 and no dims.
            for (const t of fields(b, f.start, f.end)) {
                if (t.no !== 1) continue;
                expectWire(t, LEN, "TypeProto");
                for (const tt of fields(b, t.start, t.end)) {
                    if (tt.no === 1) out.elemType = num(tt, "TypeProto.Tensor");
                    else if (tt.no === 2) {
                        expectWire(tt, LEN, "TypeProto.Tensor");
                        out.dims = parseDims(b, tt);
                    }
                }
            }
        }
    }
    return out;
}

const ATTR_FLOAT = 1,
    ATTR_INT = 2,
    ATTR_STRING = 3,
    ATTR_INTS = 7;

function parseAttribute(b: Uint8Array, a: Field): [string, number | string | number[] | undefined] {
    expectWire(a, LEN, "AttributeProto");
    let name = "",
        type = 0,
        f32: number | undefined,
        i: number | undefined,
        s: string | undefined;
    let ints: number[] | undefined;
    for (const f of fields(b, a.start, a.end)) {
        switch (f.no) {
            case 1:
                name = str(b, f, "AttributeProto");
                break;
            case 2:
                expectWire(f, I32, "AttributeProto");
                f32 = new DataView(b.buffer, b.byteOffset + f.start, 4).getFloat32(0, true);
                break;
            case 3:
                i = num(f, "AttributeProto");
                break;
            case 4:
                s = str(b, f, "AttributeProto", true);
                break;
            case 8: // repeated int64: packed (one LEN field) or one varint per element; parsers must accept both
                ints ??= [];
                if (f.wire === VARINT) ints.push(f.value);
                else {
                    expectWire(f, LEN, "AttributeProto");
                    for (let p = f.start; p < f.end;) {
                        const [v, n] = varint(b, p, f.end);
                        ints.push(v);
                        p = n;
                    }
                }
                break;
            case 20:
                type = num(f, "AttributeProto");
                break;
        }
    }
    // Very old models omit `type`; infer it from whichever value field is present.
    if (type === 0) type = f32 !== undefined ? ATTR_FLOAT : i !== undefined ? ATTR_INT : s !== undefined ? ATTR_STRING : ints ? ATTR_INTS : 0;
    // Encoders may omit fields equal to their default, so a declared type with no value means the default.
    const value =
        type === ATTR_FLOAT ? (f32 ?? 0) : type === ATTR_INT ? (i ?? 0) : type === ATTR_STRING ? (s ?? "") : type === ATTR_INTS ? (ints ?? []) : undefined;
    return [name, value];
}

function parseNode(b: Uint8Array, n: Field): OnnxNodeInfo {
    expectWire(n, LEN, "NodeProto");
    const node: OnnxNodeInfo = { opType: "", domain: "", name: "", attributes: {} };
    for (const f of fields(b, n.start, n.end)) {
        if (f.no === 3) node.name = str(b, f, "NodeProto");
        else if (f.no === 4) node.opType = str(b, f, "NodeProto");
        else if (f.no === 7) node.domain = str(b, f, "NodeProto");
        else if (f.no === 5) {
            const [k, v] = parseAttribute(b, f);
            node.attributes[k] = v;
        }
    }
    return node;
}

/**
 * A TensorProto's name (field 8) and, when its data is external (data_location, field 14, = 1), the location its
 * external_data entries (field 13) name. Everything else (dims, raw_data, ...) is skipped by length.
 */
function readTensor(b: Uint8Array, t: Field, where: string): { name: string; external?: string } {
    expectWire(t, LEN, where);
    let name = "";
    let external: string | undefined;
    let location = "";
    for (const f of fields(b, t.start, t.end)) {
        if (f.no === 8) name = str(b, f, "TensorProto");
        else if (f.no === 14 && num(f, "TensorProto") === 1) external = "";
        else if (f.no === 13) {
            expectWire(f, LEN, "TensorProto");
            let key = "";
            let value = "";
            for (const e of fields(b, f.start, f.end)) {
                if (e.no === 1) key = str(b, e, "StringStringEntryProto");
                else if (e.no === 2) value = str(b, e, "StringStringEntryProto", true);
            }
            if (key === "location") location = value;
        }
    }
    return external === undefined ? { name } : { name, external: location };
}

export function readOnnxModelInfo(bytes: Uint8Array): OnnxModelInfo {
    if (bytes.length === 0) throw new OnnxParseError("not an ONNX model: empty input");
    const info: OnnxModelInfo = { irVersion: 0, producerName: "", opsets: [], metadata: {}, inputs: [], outputs: [], nodes: [], externalData: [] };
    // Graph fields are accumulated across occurrences, matching protobuf's merge semantics for a repeated `graph`.
    const graphInputs: OnnxValueInfo[] = [];
    const initializers = new Set<string>();
    let sawGraph = false;

    for (const f of fields(bytes, 0, bytes.length)) {
        switch (f.no) {
            case 1:
                info.irVersion = num(f, "ModelProto");
                break;
            case 2:
                info.producerName = str(bytes, f, "ModelProto");
                break;
            case 8: {
                expectWire(f, LEN, "ModelProto");
                const op = { domain: "", version: 0 };
                for (const o of fields(bytes, f.start, f.end)) {
                    if (o.no === 1) op.domain = str(bytes, o, "OperatorSetIdProto");
                    else if (o.no === 2) op.version = num(o, "OperatorSetIdProto");
                }
                info.opsets.push(op);
                break;
            }
            case 14: {
                expectWire(f, LEN, "ModelProto");
                let key = "",
                    value = "";
                for (const e of fields(bytes, f.start, f.end)) {
                    if (e.no === 1) key = str(bytes, e, "StringStringEntryProto");
                    else if (e.no === 2) value = str(bytes, e, "StringStringEntryProto");
                }
                info.metadata[key] = value;
                break;
            }
            case 7: {
                expectWire(f, LEN, "ModelProto");
                sawGraph = true;
                for (const g of fields(bytes, f.start, f.end)) {
                    switch (g.no) {
                        case 1:
                            info.nodes.push(parseNode(bytes, g));
                            break;
                        case 5: {
                            const tensor = readTensor(bytes, g, "GraphProto");
                            initializers.add(tensor.name);
                            if (tensor.external !== undefined) info.externalData.push({ tensor: tensor.name, location: tensor.external });
                            break;
                        }
                        case 11:
                            graphInputs.push(parseValueInfo(bytes, g));
                            break;
                        case 12:
                            info.outputs.push(parseValueInfo(bytes, g));
                            break;
                        case 15: {
                            // SparseTensorProto: its name lives on values (field 1), a TensorProto
                            expectWire(g, LEN, "GraphProto");
                            for (const sp of fields(bytes, g.start, g.end)) if (sp.no === 1) initializers.add(readTensor(bytes, sp, "SparseTensorProto").name);
                            break;
                        }
                    }
                }
                break;
            }
            // producer_version, domain, model_version, doc_string, training_info, functions, ...: skipped by length.
        }
    }
    if (!sawGraph) throw new OnnxParseError("not an ONNX model: no graph found");
    // IR < 4 exporters list every initializer as a graph input too; those are weights, not feeds.
    info.inputs = graphInputs.filter((i) => !initializers.has(i.name));
    return info;
}

/**
 * Cheap sniff for "the server sent a web page or an error message instead of a model".
 * A serialized ModelProto starts with a field tag (0x08 for ir_version), never with text.
 */
export function looksLikeHtmlOrText(bytes: Uint8Array): boolean {
    let i = 0;
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3; // UTF-8 BOM
    while (i < bytes.length && (bytes[i] === 0x20 || (bytes[i] >= 0x09 && bytes[i] <= 0x0d))) i++;
    if (i < bytes.length && bytes[i] === 0x3c /* '<' */) return true;
    const n = Math.min(64, bytes.length);
    if (n === 0) return false;
    for (let j = 0; j < n; j++) {
        const c = bytes[j];
        if (!(c >= 0x20 && c <= 0x7e) && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
    }
    return true;
}

// ---- writing: fixing the image size of a model ------------------------------------------------------------------

/** A ValueInfoProto with a float tensor type of fixed `dims`. */
function encodeValueInfo(name: string, elemType: number, dims: number[]): number[] {
    const shape = dims.flatMap((d) => lengthDelimited(1, [...encodeVarint(1 * 8 + VARINT), ...encodeVarint(d)]));
    const tensor = [...encodeVarint(1 * 8 + VARINT), ...encodeVarint(elemType), ...lengthDelimited(2, shape)];
    return [...lengthDelimited(1, new TextEncoder().encode(name)), ...lengthDelimited(2, lengthDelimited(1, tensor))];
}

/**
 * Returns a copy of the model whose rank-4 graph inputs and outputs have the fixed shape [1, C, height, width].
 * Providers that cannot run symbolic dimensions (onnxruntime-web's WebGL EP rejects `dim_param`) get this copy, one
 * per inference size. Every other byte of the model is kept as it is (weights are copied, never decoded).
 */
export function withFixedImageSize(bytes: Uint8Array, height: number, width: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let graphSeen = false;
    for (const top of fields(bytes, 0, bytes.length)) {
        if (top.no !== 7) {
            parts.push(bytes.subarray(top.at, top.end));
            continue;
        }
        graphSeen = true;
        const graph: Uint8Array[] = [];
        for (const g of fields(bytes, top.start, top.end)) {
            const info = g.no === 11 || g.no === 12 ? parseValueInfo(bytes, g) : undefined;
            if (info?.dims?.length === 4) {
                const channels = info.dims[1].value ?? 3;
                graph.push(new Uint8Array(lengthDelimited(g.no, encodeValueInfo(info.name, info.elemType, [1, channels, height, width]))));
            } else {
                graph.push(bytes.subarray(g.at, g.end));
            }
        }
        const body = concat(graph);
        parts.push(new Uint8Array([...encodeVarint(7 * 8 + LEN), ...encodeVarint(body.length)]), body);
    }
    if (!graphSeen) throw new OnnxParseError("not an ONNX model: no graph found");
    return concat(parts);
}

/**
 * Returns a copy of the model with `entries` written into `metadata_props`: an existing entry with the same key is
 * replaced, the others are kept, and a key whose value is undefined is removed. Weights are copied, never decoded.
 */
export function withMetadata(bytes: Uint8Array, entries: Record<string, string | undefined>): Uint8Array {
    const parts: Uint8Array[] = [];
    let graphSeen = false;
    for (const top of fields(bytes, 0, bytes.length)) {
        if (top.no === 7) graphSeen = true;
        if (top.no === 14) {
            expectWire(top, LEN, "ModelProto");
            let key = "";
            for (const f of fields(bytes, top.start, top.end)) if (f.no === 1) key = str(bytes, f, "StringStringEntryProto");
            if (Object.hasOwn(entries, key)) continue; // rewritten below (or removed)
        }
        parts.push(bytes.subarray(top.at, top.end));
    }
    if (!graphSeen) throw new OnnxParseError("not an ONNX model: no graph found");
    const encoder = new TextEncoder();
    for (const [key, value] of Object.entries(entries)) {
        if (value === undefined) continue;
        const entry = [...lengthDelimited(1, encoder.encode(key)), ...lengthDelimited(2, encoder.encode(value))];
        parts.push(new Uint8Array(lengthDelimited(14, entry)));
    }
    return concat(parts);
}
