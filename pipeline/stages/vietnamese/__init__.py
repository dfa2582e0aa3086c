"""Vietnamese language knowledge the stages share: syllables, personal names, the syllable language model."""
