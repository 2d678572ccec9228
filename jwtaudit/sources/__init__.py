"""Turn inputs (files, git, exports) into subjects for rules."""
