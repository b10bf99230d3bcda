"""moto 5.2's departures from AWS, one module per AWS service; scripts/moto/launch.py applies them."""
