#!/usr/bin/python3
"""Tiny random Hugging Face checkpoints and their reference logits, for the io/hf converters' tests.

Each family's forward pass is written here from its published definition, in Hugging Face's own layout
(Conv1D ``x W`` for GPT-2, ``nn.Linear`` ``x W^T`` for the LLaMA family, rotate-half RoPE, key/value heads
repeated per group), in float64 torch, without the transformers library. The weights are drawn with a fixed
seed, rounded to the stored dtype, and the reference uses the rounded values, so the Java import sees
exactly the numbers this forward pass used.

Run with Debian's python3-torch (not part of the build):
    /usr/bin/python3 src/golden/hf_tiny.py src/test/resources/hf [NAME]
writes DIR/<name>/config.json, model.safetensors (or shards and model.safetensors.index.json) and
reference.json ({"tokens": [...], "logits": [[vocab numbers] per position]}); NAME writes only that checkpoint.
"""
import json
import math
import os
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def write_safetensors(path, tensors):
    """tensors: name -> (dtype name, stored torch tensor). Little-endian, header padded to 8 bytes."""
    header, blobs, offset = {}, [], 0
    for name, (dtype, t) in tensors.items():
        t = t.contiguous()
        raw = (t.view(torch.int16) if dtype == "BF16" else t).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


class Weights:
    """Draws N(0, scale^2) weights, rounds them to the stored dtype, keeps both forms."""

    def __init__(self, seed, dtype):
        self.gen = torch.Generator().manual_seed(seed)
        self.dtype = dtype
        self.stored = {}
        self.exact = {}

    def draw(self, name, shape, scale, mean=0.0):
        x = torch.randn(*shape, generator=self.gen, dtype=torch.float64) * scale + mean
        s = x.to(DTYPES[self.dtype])
        self.stored[name] = (self.dtype, s)
        self.exact[name] = s.to(torch.float64)
        return self.exact[name]


def causal_softmax(scores):
    n = scores.shape[-1]
    mask = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
    return torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)


def layer_norm(x, g, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * g + b


def rms_norm(x, g, eps):
    return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * g


def gelu_new(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def gpt2_forward(cfg, w, tokens):
    d, heads = cfg["n_embd"], cfg["n_head"]
    k = d // heads
    n = len(tokens)
    x = w["wte.weight"][tokens] + w["wpe.weight"][:n]
    for l in range(cfg["n_layer"]):
        p = f"h.{l}."
        h = layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"], cfg["layer_norm_epsilon"])
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]  # Conv1D: x W + b
        q, kk, v = (t.reshape(n, heads, k).transpose(0, 1) for t in qkv.split(d, dim=-1))
        att = causal_softmax(q @ kk.transpose(1, 2) / math.sqrt(k))
        out = (att @ v).transpose(0, 1).reshape(n, d)
        x = x + out @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        h = layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"], cfg["layer_norm_epsilon"])
        x = x + gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]) @ w[p + "mlp.c_proj.weight"] \
            + w[p + "mlp.c_proj.bias"]
    x = layer_norm(x, w["ln_f.weight"], w["ln_f.bias"], cfg["layer_norm_epsilon"])
    return x @ w["wte.weight"].T


def rope_frequencies(cfg, k, n):
    """Inverse frequencies and the attention factor, from rope_theta and rope_scaling, for a forward pass over
    positions 0 .. n - 1."""
    base = cfg.get("rope_theta", 10000.0)
    s = cfg.get("rope_scaling")
    kind = s.get("rope_type", s.get("type")) if s else None
    if kind == "dynamic":
        # transformers' _compute_dynamic_ntk_parameters, with seq_len = max(position_ids) + 1 = n as its
        # dynamic_rope_update passes it on a fresh forward pass: the base grows once n passes the trained length
        trained = cfg["max_position_embeddings"]
        seq_len = max(n, trained)
        base = base * ((s["factor"] * seq_len / trained) - (s["factor"] - 1)) ** (k / (k - 2))
        return 1.0 / base ** (torch.arange(0, k, 2, dtype=torch.float64) / k), 1.0
    inv = 1.0 / base ** (torch.arange(0, k, 2, dtype=torch.float64) / k)
    if not s:
        return inv, 1.0
    if kind == "linear":
        return inv / s["factor"], 1.0
    if kind == "llama3":
        factor, lo, hi = s["factor"], s["low_freq_factor"], s["high_freq_factor"]
        old = s["original_max_position_embeddings"]
        out = []
        for f in inv.tolist():
            wavelength = 2 * math.pi / f
            if wavelength < old / hi:
                out.append(f)
            elif wavelength > old / lo:
                out.append(f / factor)
            else:
                smooth = (old / wavelength - lo) / (hi - lo)
                out.append((1 - smooth) * f / factor + smooth * f)
        return torch.tensor(out, dtype=torch.float64), 1.0
    if kind == "yarn":
        factor = s["factor"]
        original = s.get("original_max_position_embeddings", cfg["max_position_embeddings"])
        fast, slow = s.get("beta_fast", 32), s.get("beta_slow", 1)

        def dim_for(rotations):
            return k * math.log(original / (rotations * 2 * math.pi)) / (2 * math.log(base))

        low, high = max(math.floor(dim_for(fast)), 0), min(math.ceil(dim_for(slow)), k - 1)
        if low == high:
            high += 0.001
        ramp = ((torch.arange(k // 2, dtype=torch.float64) - low) / (high - low)).clamp(0, 1)
        keep = 1 - ramp  # share of the original frequency
        inv = inv / factor * (1 - keep) + inv * keep
        return inv, 0.1 * math.log(factor) + 1.0
    raise ValueError(kind)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def llama_forward(cfg, w, tokens, lm_head):
    d, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    kv = cfg.get("num_key_value_heads", heads)
    k = cfg.get("head_dim", d // heads)
    eps = cfg["rms_norm_eps"]
    n = len(tokens)
    inv, attention_factor = rope_frequencies(cfg, k, n)
    angles = torch.arange(n, dtype=torch.float64)[:, None] * inv[None, :]
    angles = torch.cat((angles, angles), dim=-1)
    cos, sin = angles.cos() * attention_factor, angles.sin() * attention_factor
    x = w["model.embed_tokens.weight"][tokens]
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)

        def proj(name, count):
            y = h @ w[p + f"self_attn.{name}.weight"].T
            if p + f"self_attn.{name}.bias" in w:
                y = y + w[p + f"self_attn.{name}.bias"]
            return y.reshape(n, count, k).transpose(0, 1)

        q, kk, v = proj("q_proj", heads), proj("k_proj", kv), proj("v_proj", kv)
        q = q * cos + rotate_half(q) * sin
        kk = kk * cos + rotate_half(kk) * sin
        kk = kk.repeat_interleave(heads // kv, dim=0)  # query head h reads key/value head h // group
        v = v.repeat_interleave(heads // kv, dim=0)
        att = causal_softmax(q @ kk.transpose(1, 2) / math.sqrt(k))
        out = (att @ v).transpose(0, 1).reshape(n, heads * k)
        x = x + out @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = h @ w[p + "mlp.gate_proj.weight"].T
        x = x + (gate * torch.sigmoid(gate) * (h @ w[p + "mlp.up_proj.weight"].T)) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    return x @ w[lm_head].T


def gpt2_checkpoint(seed):
    cfg = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": 48, "n_embd": 16,
           "n_head": 4, "n_layer": 2, "n_positions": 32, "n_ctx": 32, "n_inner": 32,
           "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "attn_pdrop": 0.1, "embd_pdrop": 0.1,
           "resid_pdrop": 0.1, "initializer_range": 0.02, "bos_token_id": 0, "eos_token_id": 0,
           "tie_word_embeddings": True}
    d, inner = cfg["n_embd"], cfg["n_inner"]
    w = Weights(seed, "F32")
    w.draw("wte.weight", (cfg["vocab_size"], d), 1.0)
    w.draw("wpe.weight", (cfg["n_positions"], d), 0.5)
    for l in range(cfg["n_layer"]):
        p = f"h.{l}."
        w.draw(p + "ln_1.weight", (d,), 0.1, 1.0)
        w.draw(p + "ln_1.bias", (d,), 0.1)
        w.draw(p + "attn.c_attn.weight", (d, 3 * d), 1 / math.sqrt(d))
        w.draw(p + "attn.c_attn.bias", (3 * d,), 0.1)
        w.draw(p + "attn.c_proj.weight", (d, d), 1 / math.sqrt(d))
        w.draw(p + "attn.c_proj.bias", (d,), 0.1)
        w.draw(p + "ln_2.weight", (d,), 0.1, 1.0)
        w.draw(p + "ln_2.bias", (d,), 0.1)
        w.draw(p + "mlp.c_fc.weight", (d, inner), 1 / math.sqrt(d))
        w.draw(p + "mlp.c_fc.bias", (inner,), 0.1)
        w.draw(p + "mlp.c_proj.weight", (inner, d), 1 / math.sqrt(inner))
        w.draw(p + "mlp.c_proj.bias", (d,), 0.1)
    w.draw("ln_f.weight", (d,), 0.1, 1.0)
    w.draw("ln_f.bias", (d,), 0.1)
    return cfg, w, lambda tokens: gpt2_forward(cfg, w.exact, tokens)


def llama_checkpoint(seed, dtype, cfg, biases=False):
    d, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    kv = cfg.get("num_key_value_heads", heads)
    k = cfg.get("head_dim", d // heads)
    hidden = cfg["intermediate_size"]
    cfg["torch_dtype"] = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}[dtype]
    w = Weights(seed, dtype)
    w.draw("model.embed_tokens.weight", (cfg["vocab_size"], d), 1.0)
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        w.draw(p + "input_layernorm.weight", (d,), 0.1, 1.0)
        w.draw(p + "self_attn.q_proj.weight", (heads * k, d), 1 / math.sqrt(d))
        w.draw(p + "self_attn.k_proj.weight", (kv * k, d), 1 / math.sqrt(d))
        w.draw(p + "self_attn.v_proj.weight", (kv * k, d), 1 / math.sqrt(d))
        if biases:
            w.draw(p + "self_attn.q_proj.bias", (heads * k,), 0.3)
            w.draw(p + "self_attn.k_proj.bias", (kv * k,), 0.3)
            w.draw(p + "self_attn.v_proj.bias", (kv * k,), 0.3)
        w.draw(p + "self_attn.o_proj.weight", (d, heads * k), 1 / math.sqrt(heads * k))
        w.draw(p + "post_attention_layernorm.weight", (d,), 0.1, 1.0)
        w.draw(p + "mlp.gate_proj.weight", (hidden, d), 1 / math.sqrt(d))
        w.draw(p + "mlp.up_proj.weight", (hidden, d), 1 / math.sqrt(d))
        w.draw(p + "mlp.down_proj.weight", (d, hidden), 1 / math.sqrt(hidden))
    w.draw("model.norm.weight", (d,), 0.1, 1.0)
    tied = cfg.get("tie_word_embeddings", False)
    if not tied:
        w.draw("lm_head.weight", (cfg["vocab_size"], d), 1.0)
    head = "model.embed_tokens.weight" if tied else "lm_head.weight"
    return cfg, w, lambda tokens: llama_forward(cfg, w.exact, tokens, head)


COMMON = {"hidden_act": "silu", "initializer_range": 0.02, "bos_token_id": 1, "eos_token_id": 2,
          "use_cache": True, "attention_dropout": 0.0}


def families():
    yield "gpt2", gpt2_checkpoint(11), 1
    yield "llama", llama_checkpoint(12, "BF16", dict(COMMON, model_type="llama", architectures=["LlamaForCausalLM"],
        vocab_size=48, hidden_size=16, intermediate_size=24, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=64, rms_norm_eps=1e-6, rope_theta=10000.0,
        rope_scaling={"type": "linear", "factor": 2.0}, attention_bias=False, mlp_bias=False,
        tie_word_embeddings=False, pretraining_tp=1)), 2
    yield "llama3", llama_checkpoint(13, "F32", dict(COMMON, model_type="llama", architectures=["LlamaForCausalLM"],
        vocab_size=40, hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=1, head_dim=8, max_position_embeddings=256, rms_norm_eps=1e-5, rope_theta=10000.0,
        rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                      "original_max_position_embeddings": 64},
        tie_word_embeddings=True)), 1
    yield "mistral", llama_checkpoint(14, "F16", dict(COMMON, model_type="mistral",
        architectures=["MistralForCausalLM"], vocab_size=40, hidden_size=16, intermediate_size=24,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=1, head_dim=4, max_position_embeddings=128,
        rms_norm_eps=1e-5, rope_theta=1000.0, sliding_window=16, tie_word_embeddings=False)), 1
    yield "qwen2", llama_checkpoint(15, "BF16", dict(COMMON, model_type="qwen2", architectures=["Qwen2ForCausalLM"],
        vocab_size=40, hidden_size=16, intermediate_size=24, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=1, max_position_embeddings=64, rms_norm_eps=1e-6, rope_theta=10000.0,
        rope_scaling={"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 16},
        use_sliding_window=False, sliding_window=64, max_window_layers=2, tie_word_embeddings=True),
        biases=True), 1
    # dynamic NTK past its trained length of 8 positions: the reference runs 12 tokens (length-dependent base)
    yield "llama-dynamic", llama_checkpoint(16, "F32", dict(COMMON, model_type="llama",
        architectures=["LlamaForCausalLM"], vocab_size=40, hidden_size=16, intermediate_size=24, num_hidden_layers=2,
        num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=8, rms_norm_eps=1e-6,
        rope_theta=10000.0, rope_scaling={"rope_type": "dynamic", "factor": 2.0}, tie_word_embeddings=False)), 1


LENGTHS = {"llama-dynamic": 12}


def main(out, only=None):
    for name, (cfg, w, forward), shards in families():
        if only and name != only:
            continue
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
        names = list(w.stored)
        if shards == 1:
            write_safetensors(os.path.join(folder, "model.safetensors"), w.stored)
        else:
            weight_map = {}
            for i in range(shards):
                part = names[i * len(names) // shards:(i + 1) * len(names) // shards]
                file = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
                write_safetensors(os.path.join(folder, file), {n: w.stored[n] for n in part})
                weight_map.update({n: file for n in part})
            with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
                json.dump({"metadata": {}, "weight_map": weight_map}, f, indent=2)
        gen = torch.Generator().manual_seed(100)
        tokens = torch.randint(0, cfg["vocab_size"], (LENGTHS.get(name, 7),), generator=gen).tolist()
        logits = forward(tokens)
        with open(os.path.join(folder, "reference.json"), "w") as f:
            json.dump({"tokens": tokens, "logits": logits.tolist()}, f)
        print(name, "tokens", tokens, "max |logit|", float(logits.abs().max()))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/hf", sys.argv[2] if len(sys.argv) > 2 else None)
