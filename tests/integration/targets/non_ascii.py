# Non-ASCII task names and function names: Latin-1, UCS-2 (CJK) and UCS-4
# (emoji) strings, short (<= 16 code points) and long (>= 17).
import asyncio
import aps_target


async def préparer():
    await asyncio.sleep(aps_target.FOREVER)


async def 料理():
    await préparer()


class Cuisine:
    async def dégustation_du_chef_étoilé(self):       # >= 17 code points
        await 料理()


async def 東京の小さなレストランで料理する():              # >= 17, UCS-2
    async with asyncio.TaskGroup() as tg:
        tg.create_task(préparer(), name="sous-chef ünter")
        tg.create_task(料理(), name="🍣🍣🍣 sushi bar 🍣🍣🍣 open late")


NAMES = [
    "café",                                   # Latin-1, short
    "料理長",                                  # UCS-2, short
    "🍜 ramen",                               # UCS-4, short
    "crème brûlée à la française",            # Latin-1, long
    "東京の小さなレストランで働く料理人たち",        # UCS-2, long
    "東京🍣é" * 75,                            # 300 code points: shown cut to 255
]


async def main():
    tasks = [asyncio.create_task(préparer(), name=NAMES[0]),
             asyncio.create_task(料理(), name=NAMES[1]),
             asyncio.create_task(Cuisine().dégustation_du_chef_étoilé(), name=NAMES[2]),
             asyncio.create_task(préparer(), name=NAMES[3]),
             asyncio.create_task(東京の小さなレストランで料理する(), name=NAMES[4]),
             asyncio.create_task(préparer(), name=NAMES[5])]
    aps_target.ready_when_parked()
    await asyncio.gather(*tasks)


asyncio.run(main())
