"""Episodic's own CPU workloads: transcript readability, text dedupe, loudness and
spectrum, with the parsers of what a person may give them and the WAV decoder.

The site lists ``MODULES`` in ``INTERP_EXEC["WORKLOADS"]``; importing each registers
its workloads. Every subinterpreter imports this package on the way to a workload
module, so it holds nothing but the list.
"""

MODULES = (
    "episodic_site.workloads.transcript",
    "episodic_site.workloads.loudness",
    "episodic_site.workloads.dedupe",
    "episodic_site.workloads.spectrum",
    # The WAV upload both audio workloads take (it imports numpy: see the module).
    "episodic_site.workloads.audio_inputs",
)
