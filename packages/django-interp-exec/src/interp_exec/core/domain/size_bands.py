"""Size bands: the job sizes auto mode keeps figures for, doubling in width.

A job's band is ``size.bit_length()``: band 0 holds size 0, band k >= 1 holds
sizes 2**(k-1) to 2**k - 1. Doubling bands keep figures close enough together
that a pool's fixed overhead per job, which matters at small sizes and not at
large ones, is measured where it applies, with few bands in all (20 up to the
site's largest queued job of 1,000,000 units).
"""

from dataclasses import dataclass

# Job sizes are below 2**63 (CpuJob's own check), so bands 0..63 cover them all.
BAND_COUNT = 64


@dataclass(frozen=True, slots=True)
class SizeBand:
    index: int

    @property
    def low(self) -> int:
        """The smallest size in the band."""
        return 0 if self.index == 0 else 1 << (self.index - 1)

    @property
    def high(self) -> int:
        """The first size past the band."""
        return 1 << self.index if self.index else 1

    @property
    def middle(self) -> float:
        return (self.low + self.high - 1) / 2

    @property
    def label(self) -> str:
        return f"{self.low:,}" if self.high - self.low == 1 else f"{self.low:,}-{self.high - 1:,}"


def band_of(size: int) -> SizeBand:
    return SizeBand(max(size, 0).bit_length())


def all_bands() -> list[SizeBand]:
    return [SizeBand(index) for index in range(BAND_COUNT)]
