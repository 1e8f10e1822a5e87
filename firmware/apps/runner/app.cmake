# The runner links the engine (runtime_c's pyruntime_engine, or the stub with -DPYRT_ENGINE=stub).
set(PYRT_APP_NEEDS_ENGINE ON)
