#!/usr/bin/python3
"""A random LLaMA-2-7B-shaped checkpoint in Hugging Face layout, BF16, sharded one shard per layer (W5).

Not part of the build and never committed: the full shape (32 layers) is 13.5 GB.
    /usr/bin/python3 src/bench/python/llama_shaped.py OUT_DIR [LAYERS [DISTINCT]]
LAYERS defaults to 32; fewer layers keep every other dimension of LLaMA-2-7B (d 4096, 32 heads of 128,
SwiGLU width 11008, vocabulary 32000). DISTINCT (default LAYERS) draws that many layers and gives layer l the
weights of layer l mod DISTINCT: drawing 202M normals per layer is the slow part on a shared machine, and the
cost of reading and running a block does not depend on its values.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "golden"))
from hf_tiny import write_safetensors  # noqa: E402


def main(out, layers, distinct):
    cfg = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 32000, "hidden_size": 4096,
           "intermediate_size": 11008, "num_hidden_layers": layers, "num_attention_heads": 32,
           "num_key_value_heads": 32, "max_position_embeddings": 4096, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
           "hidden_act": "silu", "tie_word_embeddings": False, "torch_dtype": "bfloat16"}
    d, hidden, vocab = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    gen = torch.Generator().manual_seed(7)
    os.makedirs(out, exist_ok=True)
    weight_map = {}

    def shard(index, tensors):
        file = f"model-{index + 1:05d}-of-{layers + 1:05d}.safetensors"
        write_safetensors(os.path.join(out, file), {n: ("BF16", t) for n, t in tensors.items()})
        weight_map.update({n: file for n in tensors})

    def draw(*shape, scale=None, mean=0.0):
        s = 1 / math.sqrt(shape[-1]) if scale is None else scale
        return (torch.randn(*shape, generator=gen) * s + mean).to(torch.bfloat16)

    drawn = []
    for l in range(layers):
        if l < distinct:
            drawn.append({"input_layernorm.weight": draw(d, scale=0.1, mean=1.0),
                          "self_attn.q_proj.weight": draw(d, d), "self_attn.k_proj.weight": draw(d, d),
                          "self_attn.v_proj.weight": draw(d, d), "self_attn.o_proj.weight": draw(d, d),
                          "post_attention_layernorm.weight": draw(d, scale=0.1, mean=1.0),
                          "mlp.gate_proj.weight": draw(hidden, d), "mlp.up_proj.weight": draw(hidden, d),
                          "mlp.down_proj.weight": draw(d, hidden)})
        shard(l, {f"model.layers.{l}." + n: t for n, t in drawn[l % distinct].items()})
    shard(layers, {"model.embed_tokens.weight": draw(vocab, d, scale=1.0), "model.norm.weight": draw(d, scale=0.1,
                   mean=1.0), "lm_head.weight": draw(vocab, d)})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {}, "weight_map": weight_map}, f, indent=2)


if __name__ == "__main__":
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    main(sys.argv[1], n, int(sys.argv[3]) if len(sys.argv) > 3 else n)
