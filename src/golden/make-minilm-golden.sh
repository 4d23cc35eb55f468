#!/usr/bin/env bash
# Regenerates src/test/resources/golden/minilm.json with ONNX Runtime's Java API (fetched by Maven,
# not part of the build): the reference MiniLmGoldenTest compares PrefixProof's forward pass with.
set -euo pipefail
cd "$(dirname "$0")/../.."
ORT_VERSION=1.20.0
mvn -q -B dependency:get -Dartifact=com.microsoft.onnxruntime:onnxruntime:$ORT_VERSION -Dtransitive=false
mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/golden.cp
ORT="${M2_REPO:-$HOME/.m2/repository}/com/microsoft/onnxruntime/onnxruntime/$ORT_VERSION/onnxruntime-$ORT_VERSION.jar"
java -cp "target/classes:$(cat target/golden.cp):$ORT" src/golden/MiniLmGolden.java src/test/resources/golden/minilm.json
