import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.prefixproof.io.WordPiece;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Writes ONNX Runtime's fp32 last hidden state of all-MiniLM-L6-v2 for a few sentences (the golden values
 * MiniLmGoldenTest compares PrefixProof's forward pass with). Run by make-minilm-golden.sh; ONNX Runtime is
 * not part of the build.
 */
public class MiniLmGolden {
  static final String[] SENTENCES = {"The cat sat on the mat.",
      "Prefixes can steer a model, but they cannot change how it attends to the input."};

  public static void main(String[] args) throws Exception {
    byte[] model;
    WordPiece tok;
    try (InputStream in = MiniLmGolden.class.getResourceAsStream("/all-minilm-l6-v2.onnx");
        InputStream t = MiniLmGolden.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
      model = in.readAllBytes();
      tok = WordPiece.fromJson(t, "tokenizer");
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    StringBuilder json = new StringBuilder("{\"producer\": \"ONNX Runtime " + env.getVersion()
        + " (CPU, fp32), src/golden/MiniLmGolden.java\",\n \"sentences\": [\n");
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
      for (int s = 0; s < SENTENCES.length; s++) {
        int[] ids = tok.encode(SENTENCES[s]);
        long[][] input = new long[1][ids.length];
        long[][] mask = new long[1][ids.length];
        long[][] types = new long[1][ids.length];
        for (int i = 0; i < ids.length; i++) {
          input[0][i] = ids[i];
          mask[0][i] = 1;
        }
        try (OnnxTensor a = OnnxTensor.createTensor(env, input);
            OnnxTensor b = OnnxTensor.createTensor(env, mask);
            OnnxTensor c = OnnxTensor.createTensor(env, types);
            OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
          float[][][] hidden = (float[][][]) r.get(0).getValue();
          json.append("  {\"text\": \"").append(SENTENCES[s]).append("\", \"ids\": ")
              .append(java.util.Arrays.toString(ids)).append(",\n   \"hidden\": [");
          for (int i = 0; i < hidden[0].length; i++) {
            json.append(i == 0 ? "\n    [" : ",\n    [");
            for (int j = 0; j < hidden[0][i].length; j++) {
              json.append(j == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.9g", hidden[0][i][j]));
            }
            json.append(']');
          }
          json.append("]}").append(s + 1 < SENTENCES.length ? ",\n" : "\n");
        }
      }
    }
    json.append(" ]}\n");
    Files.writeString(Path.of(args[0]), json.toString());
    System.out.println("wrote " + args[0]);
  }
}
