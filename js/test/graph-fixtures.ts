// Graphs for the graph tests, named as torch's add_graph names them.
import type { GraphInput } from "../src/graphs/hierarchy";

export class GraphBuilder {
  names: string[] = [];
  ops: string[] = [];
  private index = new Map<string, number>();
  private src: number[] = [];
  private dst: number[] = [];
  private shapes: string[] = [];
  private sizes: number[] = [];
  private control: number[] = [];

  node(name: string, op = "aten::linear"): number {
    const got = this.index.get(name);
    if (got !== undefined) return got;
    this.index.set(name, this.names.length);
    this.names.push(name);
    this.ops.push(op);
    return this.names.length - 1;
  }

  edge(from: string, to: string, shape = "", size = NaN, control = false): this {
    this.src.push(this.node(from));
    this.dst.push(this.node(to));
    this.shapes.push(shape);
    this.sizes.push(size);
    this.control.push(control ? 1 : 0);
    return this;
  }

  build(kind: "op" | "keras" = "op"): GraphInput {
    return {
      kind,
      names: this.names,
      ops: this.ops,
      edgeSource: Int32Array.from(this.src),
      edgeTarget: Int32Array.from(this.dst),
      edgeShape: this.shapes,
      edgeSize: Float64Array.from(this.sizes),
      edgeControl: Uint8Array.from(this.control),
    };
  }
}

/** A ResNet of `blocks` residual blocks under Net/Sequential[blocks]. */
export function resnet(blocks = 16): GraphInput {
  const b = new GraphBuilder();
  b.node("input/x", "IO Node");
  let prev = "input/x";
  const stem = "Net/Sequential[stem]/Conv2d[0]";
  b.node(`${stem}/weight/weight.1`, "prim::GetAttr");
  b.edge(`${stem}/weight/weight.1`, `${stem}/input.1`);
  b.node(`${stem}/input.1`, "aten::_convolution");
  b.edge(prev, `${stem}/input.1`, "2×3×16×16", 1536);
  b.edge(`${stem}/input.1`, "Net/Sequential[stem]/ReLU[1]/input.3", "2×8×16×16", 4096);
  b.node("Net/Sequential[stem]/ReLU[1]/input.3", "aten::relu");
  prev = "Net/Sequential[stem]/ReLU[1]/input.3";
  for (let i = 0; i < blocks; i++) {
    const p = `Net/Sequential[blocks]/Block[${i}]`;
    b.node(`${p}/Conv2d[conv]/1040`, "prim::Constant");
    b.node(`${p}/Conv2d[conv]/weight/weight.${i}`, "prim::GetAttr");
    b.node(`${p}/Conv2d[conv]/input.${i}`, "aten::_convolution");
    b.node(`${p}/BatchNorm2d[bn]/${i}`, "aten::batch_norm");
    b.node(`${p}/relu.${i}`, "aten::relu");
    b.node(`${p}/add.${i}`, "aten::add");
    b.edge(prev, `${p}/Conv2d[conv]/input.${i}`, "2×8×16×16", 4096);
    b.edge(`${p}/Conv2d[conv]/1040`, `${p}/Conv2d[conv]/input.${i}`);
    b.edge(`${p}/Conv2d[conv]/weight/weight.${i}`, `${p}/Conv2d[conv]/input.${i}`);
    b.edge(`${p}/Conv2d[conv]/input.${i}`, `${p}/BatchNorm2d[bn]/${i}`, "2×8×16×16", 4096);
    b.edge(`${p}/BatchNorm2d[bn]/${i}`, `${p}/relu.${i}`, "2×8×16×16", 4096);
    b.edge(`${p}/relu.${i}`, `${p}/add.${i}`, "2×8×16×16", 4096);
    b.edge(prev, `${p}/add.${i}`, "2×8×16×16", 4096);
    prev = `${p}/add.${i}`;
  }
  b.node("Net/Linear[fc]/out", "aten::linear");
  b.edge(prev, "Net/Linear[fc]/out", "2×8", 16);
  b.edge("Net/Linear[fc]/out", "output/output.1", "2×10", 20);
  b.node("output/output.1", "IO Node");
  return b.build();
}

/** A transformer-like graph: `layers` layers of attention and MLP, about `layers` × 420 nodes. */
export function transformer(layers = 48): GraphInput {
  const b = new GraphBuilder();
  b.node("input/x", "IO Node");
  let prev = "input/x";
  const shape = "8×128×512";
  const size = 8 * 128 * 512;
  const linear = (scope: string, input: string, k: number): string => {
    // a Linear: its parameters, constants and the op
    const out = `${scope}/out.${k}`;
    b.node(`${scope}/weight/weight.${k}`, "prim::GetAttr");
    b.node(`${scope}/bias/bias.${k}`, "prim::GetAttr");
    for (let c = 0; c < 6; c++) b.node(`${scope}/${1000 + k * 10 + c}`, "prim::Constant");
    b.edge(input, out, shape, size);
    b.edge(`${scope}/weight/weight.${k}`, out);
    b.edge(`${scope}/bias/bias.${k}`, out);
    for (let c = 0; c < 6; c++) b.edge(`${scope}/${1000 + k * 10 + c}`, out);
    return out;
  };
  let k = 0;
  for (let l = 0; l < layers; l++) {
    const p = `Model/Encoder[enc]/ModuleList[layers]/Layer[${l}]`;
    const a = `${p}/Attention[attn]`;
    const q = linear(`${a}/Linear[q]`, prev, k++);
    const kk = linear(`${a}/Linear[k]`, prev, k++);
    const v = linear(`${a}/Linear[v]`, prev, k++);
    let x = `${a}/scores.${l}`;
    b.node(x, "aten::matmul");
    b.edge(q, x, shape, size).edge(kk, x, shape, size);
    // many small ops, as torch traces softmax, masks, reshapes
    for (let s = 0; s < 200; s++) {
      const y = `${a}/op${s}.${l}`;
      b.node(y, s % 3 === 0 ? "aten::view" : s % 3 === 1 ? "aten::mul" : "aten::add");
      b.edge(x, y, shape, size);
      if (s % 10 === 0) {
        b.node(`${a}/c${s}.${l}`, "prim::Constant");
        b.edge(`${a}/c${s}.${l}`, y);
      }
      x = y;
    }
    const ctx = `${a}/ctx.${l}`;
    b.node(ctx, "aten::matmul");
    b.edge(x, ctx, shape, size).edge(v, ctx, shape, size);
    const o = linear(`${a}/Linear[o]`, ctx, k++);
    const n1 = `${p}/LayerNorm[norm1]/n.${l}`;
    b.node(n1, "aten::layer_norm");
    b.edge(o, n1, shape, size).edge(prev, n1, shape, size);
    const h1 = linear(`${p}/MLP[mlp]/Linear[fc1]`, n1, k++);
    let y = h1;
    for (let s = 0; s < 140; s++) {
      const z = `${p}/MLP[mlp]/GELU[act]/g${s}.${l}`;
      b.node(z, "aten::gelu");
      b.edge(y, z, shape, size);
      y = z;
    }
    const h2 = linear(`${p}/MLP[mlp]/Linear[fc2]`, y, k++);
    const n2 = `${p}/LayerNorm[norm2]/n.${l}`;
    b.node(n2, "aten::layer_norm");
    b.edge(h2, n2, shape, size).edge(n1, n2, shape, size);
    prev = n2;
  }
  b.node("output/output.1", "IO Node");
  b.edge(prev, "output/output.1", shape, size);
  return b.build();
}
