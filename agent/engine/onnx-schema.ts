// The subset of onnx.proto (ONNX IR) that the serialiser writes, as a protobufjs JSON descriptor.
// Field numbers follow the ONNX specification. Only the messages and fields we emit are declared;
// protobufjs (already a dependency) does the wire encoding. We chose this over the `onnx-proto`
// package because that one pins protobufjs 6 and last shipped in 2024.
import protobuf from 'protobufjs';

const f = (type: string, id: number, rule?: 'repeated') => (rule ? { type, id, rule } : { type, id });

const descriptor = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: f('int64', 1),
            producerName: f('string', 2),
            producerVersion: f('string', 3),
            graph: f('GraphProto', 7),
            opsetImport: f('OperatorSetIdProto', 8, 'repeated'),
          },
        },
        OperatorSetIdProto: { fields: { domain: f('string', 1), version: f('int64', 2) } },
        GraphProto: {
          fields: {
            node: f('NodeProto', 1, 'repeated'),
            name: f('string', 2),
            initializer: f('TensorProto', 5, 'repeated'),
            docString: f('string', 10),
            input: f('ValueInfoProto', 11, 'repeated'),
            output: f('ValueInfoProto', 12, 'repeated'),
            valueInfo: f('ValueInfoProto', 13, 'repeated'),
          },
        },
        NodeProto: {
          fields: {
            input: f('string', 1, 'repeated'),
            output: f('string', 2, 'repeated'),
            name: f('string', 3),
            opType: f('string', 4),
            attribute: f('AttributeProto', 5, 'repeated'),
            domain: f('string', 7),
          },
        },
        AttributeProto: {
          fields: {
            name: f('string', 1),
            f: f('float', 2),
            i: f('int64', 3),
            s: f('bytes', 4),
            t: f('TensorProto', 5),
            floats: f('float', 7, 'repeated'),
            ints: f('int64', 8, 'repeated'),
            type: f('int32', 20),
          },
        },
        TensorProto: {
          fields: {
            dims: f('int64', 1, 'repeated'),
            dataType: f('int32', 2),
            name: f('string', 8),
            rawData: f('bytes', 9),
          },
        },
        ValueInfoProto: { fields: { name: f('string', 1), type: f('TypeProto', 2) } },
        TypeProto: {
          fields: { tensorType: f('TypeProtoTensor', 1) },
        },
        TypeProtoTensor: { fields: { elemType: f('int32', 1), shape: f('TensorShapeProto', 2) } },
        TensorShapeProto: { fields: { dim: f('Dimension', 1, 'repeated') } },
        Dimension: { fields: { dimValue: f('int64', 1), dimParam: f('string', 2) } },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
export const ModelProto = root.lookupType('onnx.ModelProto');

/** AttributeProto.AttributeType codes. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;
