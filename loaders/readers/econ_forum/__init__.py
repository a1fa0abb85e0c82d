"""Periodical issues laid out like 台灣經濟論衡 (002): reader, profile and the COVERS linker."""
